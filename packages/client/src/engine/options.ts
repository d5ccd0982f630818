/** Engine.IO client options (the subset of engine.io-client's that applies) and their resolution. */
import type { Timers } from '../timers.js';
import type { CookieJar } from './cookie-jar.js';
import type { NodeTlsOptions, TransportName, TransportOptions } from './transport.js';

export interface EngineOptions extends NodeTlsOptions {
  /** Host name; by default the one in the URL, else the page's. */
  hostname?: string;
  /** `host[:port]`, an alternative to hostname and port. */
  host?: string;
  port?: string | number;
  /** https/wss; by default from the URL's scheme. */
  secure?: boolean;
  /** Engine.IO endpoint path (`/engine.io` here; `/socket.io` through the Manager). */
  path?: string;
  /** Append a `/` to the path (default true), as socket.io servers expect. */
  addTrailingSlash?: boolean;
  query?: string | Record<string, unknown>;
  /** Transports to use, in order (default `['polling', 'websocket']`). */
  transports?: TransportName[];
  /** If the first transport fails to open, try the next ones (default false). */
  tryAllTransports?: boolean;
  /** Probe and switch from an HTTP transport to WebSocket (default true). */
  upgrade?: boolean;
  /** Start with WebSocket if it worked before in this page/process (default false). */
  rememberUpgrade?: boolean;
  /** Add a cache-busting parameter: polling always (unless false), WebSocket only when true. */
  timestampRequests?: boolean;
  timestampParam?: string;
  /**
   * Send cookies with cross-origin HTTP requests (browsers); in Node, keep the cookies the server
   * sets and send them back for the rest of the session (sticky sessions behind a load balancer).
   */
  withCredentials?: boolean;
  /** Headers for every HTTP request and the WebSocket handshake (Node; browsers forbid most). */
  extraHeaders?: Record<string, string>;
  /** Close the connection on `beforeunload` instead of letting the browser cut it (default false). */
  closeOnBeforeunload?: boolean;
  /** WebSocket sub-protocols. */
  protocols?: string | string[];
  /** Per-transport overrides, e.g. `{ polling: { extraHeaders: {...} } }`. */
  transportOptions?: Partial<Record<TransportName, Partial<TransportOptions>>>;
  /** Node: don't let this client's timers keep the process alive. */
  autoUnref?: boolean;
  /** Use the timer functions as they were when the client was loaded, so fake timers installed later don't drive it. */
  useNativeTimers?: boolean;
  /** Parley: the clock used for heartbeats and timeouts (tests inject a fake one). */
  timers?: Timers;
}

export interface ResolvedEngineOptions extends EngineOptions {
  /** Node with `withCredentials`: this session's cookies, shared by its transports. */
  cookies?: CookieJar;
  secure: boolean;
  hostname: string;
  port: string;
  path: string;
  query?: Record<string, unknown>;
  timestampParam: string;
}

/** Fills in the endpoint from the URL (or the page's location) and the defaults. */
export function resolveEngineOptions(uri: string | undefined, opts: EngineOptions): ResolvedEngineOptions {
  const location = (globalThis as { location?: Location }).location;
  // `host` is `hostname[:port]`; without a URL, the endpoint is the page's origin
  const url = new URL(uri ?? (opts.host ? `http://${opts.host}` : (location?.href ?? 'http://localhost')));
  const secure = opts.secure ?? (uri ? /s:$/.test(url.protocol) : location?.protocol === 'https:');
  // As in engine.io-client: a query string in the URL replaces the `query` option, and query
  // strings decode as URI components (a `+` stays a `+`).
  const search = uri && url.search.slice(1);
  const given = search || opts.query;
  const query = typeof given === 'string' ? decodeQuery(given) : given;
  // engine.io-client's defaults, listed in `engine.opts` as it lists them (fresh objects each time)
  const resolved = {
    path: '/engine.io',
    agent: false,
    withCredentials: false,
    upgrade: true,
    timestampParam: 't',
    rememberUpgrade: false,
    addTrailingSlash: true,
    rejectUnauthorized: true,
    perMessageDeflate: { threshold: 1024 },
    transportOptions: {},
    closeOnBeforeunload: false,
    ...opts,
    query,
    secure,
  };
  return {
    ...resolved,
    hostname: opts.hostname ?? url.hostname,
    port: String(opts.port || (opts.hostname ? '' : url.port) || (secure ? 443 : 80)),
    path: (opts.path ?? '/engine.io').replace(/\/$/, '') + (resolved.addTrailingSlash ? '/' : ''),
  };
}

/** `a=1&b=x` as engine.io-client reads it: last key wins, no `+` for space, bad escapes throw. */
function decodeQuery(text: string): Record<string, string> {
  const query: Record<string, string> = {};
  for (const pair of text.split('&')) {
    const [key, ...value] = pair.split('=');
    query[decodeURIComponent(key)] = decodeURIComponent(value.join('='));
  }
  return query;
}
