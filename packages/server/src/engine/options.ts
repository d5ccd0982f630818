/**
 * Engine options, with engine.io's names and defaults so existing configurations carry over.
 */
import type { IncomingMessage } from 'node:http';
import type { ZlibOptions } from 'node:zlib';
import type { PerMessageDeflateOptions } from 'ws';
import type { CookieOptions } from './http/cookie.js';
import type { CorsOptions } from './http/cors.js';
import { DEFAULT_MAX_BUFFERED_BYTES } from './send-buffer.js';
import type { SessionRouter } from './session-router.js';

export type TransportName = 'polling' | 'websocket' | 'sse';

/**
 * Decides whether a handshake may proceed. Call `callback(null, true)` to accept,
 * `callback('reason', false)` to refuse with 403 `{"code":4,"message":"reason"}`, or
 * `callback({ code: 3, message: 'Bad token' }, false)` to pick the code (4 answers 403, others 400).
 */
export type AllowRequest = (
  req: IncomingMessage,
  callback: (err: string | { code?: number; message?: string } | null | undefined, success: boolean) => void,
) => void;

export interface HttpCompressionOptions extends ZlibOptions {
  /** Responses smaller than this many bytes are sent uncompressed (default 1024). */
  threshold?: number;
}

export interface ServerOptions {
  /** Milliseconds between server pings (default 25000). */
  pingInterval?: number;
  /** Milliseconds the client has to answer a ping before the session closes (default 20000). */
  pingTimeout?: number;
  /** Milliseconds an upgrade may take before the probe transport is dropped (default 10000). */
  upgradeTimeout?: number;
  /** Largest polling body / WebSocket message accepted, in bytes (default 1e6). */
  maxHttpBufferSize?: number;
  /**
   * Most bytes a session may hold for a peer that is not reading (default 4 MiB; `Infinity`
   * for no bound, as in engine.io). Past it, the session closes with the reason
   * `'send buffer full'` and its queue is freed. A Parley addition: engine.io has no bound.
   */
  maxBufferedBytes?: number;
  /**
   * Transports accepted (default `['polling', 'websocket', 'sse']`). `sse` is never listed in
   * `upgrades`: only clients that ask for it with `transport=sse` get it.
   */
  transports?: TransportName[];
  /** Whether polling sessions may upgrade to WebSocket (default true). */
  allowUpgrades?: boolean;
  /** WebSocket permessage-deflate (default false). */
  perMessageDeflate?: boolean | PerMessageDeflateOptions;
  /** gzip/deflate of polling responses (default `{ threshold: 1024 }`). */
  httpCompression?: boolean | HttpCompressionOptions;
  /** Session cookie set on the handshake response (default false; `true` means name `io`). */
  cookie?: boolean | CookieOptions;
  /** CORS, with the semantics of the `cors` package (default: no CORS headers). */
  cors?: CorsOptions;
  /** Accepts or refuses handshakes and upgrades. */
  allowRequest?: AllowRequest;
  /** Session id generator (default: 20 url-safe characters from 15 random bytes). */
  generateId?: (req: IncomingMessage) => string | PromiseLike<string>;
  /**
   * Serve Engine.IO v3 clients (socket.io-client 2.x) besides v4 ones (default false). Without
   * it, a v3 handshake (`EIO=3`, or no `EIO`) is refused with 400 `{"code":5}`, as engine.io does.
   */
  allowEIO3?: boolean;
  /** Endpoint path (default `/engine.io`; the Socket.IO layer uses `/socket.io`). */
  path?: string;
  /**
   * Serves requests for sessions held by other nodes (a Parley addition; see
   * {@link SessionRouter}). Default: none, they are refused with 400 "Session ID unknown".
   */
  sessionRouter?: SessionRouter;
}

export interface AttachOptions extends ServerOptions {
  /**
   * Whether the path gets a trailing slash before matching (default true): every URL starting
   * with `<path>/` is then an engine request, as in engine.io; with `false`, every URL starting
   * with `<path>` is.
   */
  addTrailingSlash?: boolean;
  /** Destroy upgrade requests nobody answered (default true). */
  destroyUpgrade?: boolean;
  /** Milliseconds before an unanswered upgrade request is destroyed (default 1000). */
  destroyUpgradeTimeout?: number;
}

/**
 * The effective options, as `engine.opts` shows them: what the application passed (other keys,
 * such as the Socket.IO layer's, pass through untouched, as in engine.io) with every engine
 * option resolved to its value or default.
 */
export interface ResolvedOptions {
  readonly [option: string]: unknown;
  pingInterval: number;
  pingTimeout: number;
  upgradeTimeout: number;
  maxHttpBufferSize: number;
  maxBufferedBytes: number;
  transports: readonly TransportName[];
  allowUpgrades: boolean;
  perMessageDeflate: false | PerMessageDeflateOptions;
  httpCompression: false | (HttpCompressionOptions & { threshold: number });
  /** As given when off (undefined or false), as in engine.io; otherwise with engine.io's defaults. */
  cookie: false | undefined | CookieOptions;
  /** `false` when unset, as in engine.io. */
  cors: CorsOptions | false;
  allowRequest: AllowRequest | undefined;
  generateId: ServerOptions['generateId'];
  allowEIO3: boolean;
  path: string;
  sessionRouter: SessionRouter | undefined;
}

const KNOWN_TRANSPORTS: readonly TransportName[] = ['polling', 'websocket', 'sse'];

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value > 0)) throw new TypeError(`option ${name} must be a positive number`);
  return value;
}

/**
 * The endpoint path as socket.io (`io.path()`) and engine.io (`attach`) normalize it, one rule for
 * the socket layer and the engine: one trailing slash is dropped (`/socket.io/` -> `/socket.io`,
 * `/` -> `''`), nothing else changes. The engine keeps the option as given (`engine.opts.path`)
 * and matches requests on its normalized form plus `/` (by default), so `/` and `''` both route
 * every request to the engine, `/x//` routes `/x//…` only, and a path without a leading slash
 * matches no request, as in engine.io.
 */
export function normalizePath(path: string): string {
  return path.endsWith('/') ? path.slice(0, -1) : path;
}

/** engine.io's defaults for the session cookie, shown in `opts.cookie` and used to serialize it. */
const COOKIE_DEFAULTS: CookieOptions = { name: 'io', path: '/', httpOnly: true, sameSite: 'lax' };

export function resolveOptions(options: ServerOptions = {}): ResolvedOptions {
  const transports = options.transports ?? KNOWN_TRANSPORTS;
  for (const name of transports) {
    if (!KNOWN_TRANSPORTS.includes(name)) throw new TypeError(`unknown transport "${name}"`);
  }
  const compression = options.httpCompression ?? true;
  const deflate = options.perMessageDeflate ?? false;
  return {
    ...options,
    pingInterval: positive('pingInterval', options.pingInterval, 25_000),
    pingTimeout: positive('pingTimeout', options.pingTimeout, 20_000),
    upgradeTimeout: positive('upgradeTimeout', options.upgradeTimeout, 10_000),
    maxHttpBufferSize: positive('maxHttpBufferSize', options.maxHttpBufferSize, 1e6),
    maxBufferedBytes: positive('maxBufferedBytes', options.maxBufferedBytes, DEFAULT_MAX_BUFFERED_BYTES),
    transports: [...transports],
    allowUpgrades: options.allowUpgrades !== false,
    perMessageDeflate: deflate === true ? { threshold: 1024 } : deflate,
    httpCompression: compression === false ? false : { threshold: 1024, ...(compression === true ? {} : compression) },
    cookie: options.cookie
      ? { ...COOKIE_DEFAULTS, ...(options.cookie === true ? {} : options.cookie) }
      : options.cookie,
    cors: options.cors ?? false,
    allowRequest: options.allowRequest,
    generateId: options.generateId,
    allowEIO3: options.allowEIO3 === true,
    // Kept as given, as engine.io shows it; requests are matched on its normalized form.
    path: options.path ?? '/engine.io',
    sessionRouter: options.sessionRouter,
  };
}
