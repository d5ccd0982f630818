/**
 * The narrow interface the Engine.IO session drives: open, send a batch of packets, close,
 * and (for HTTP transports) pause before an upgrade; events open, packet, drain, error, close.
 */
import type { EnginePacket } from '@parley/protocol';
import { LocalEmitter } from '../emitter.js';
import { type ParserError, parserError, TransportError } from '../errors.js';
import type { CookieJar } from './cookie-jar.js';

export type TransportName = 'polling' | 'websocket' | 'sse';
type TransportState = 'opening' | 'open' | 'pausing' | 'paused' | 'closed';

/** A packet on its way out, with the per-message options of the Socket.IO layer. */
export interface OutgoingPacket extends EnginePacket {
  options?: { compress?: boolean };
}

/** An incoming packet; binary messages are Buffers in Node and ArrayBuffers in browsers. */
export interface IncomingPacket {
  /** 'error': a frame that would not decode, as engine.io-client's parser reports it. */
  type: EnginePacket['type'] | 'error';
  data?: string | Uint8Array | ArrayBuffer;
}

/** Why a transport closed, as socket.io-client reports it (`disconnect`'s second argument). */
export interface CloseDetails {
  description: string;
  context?: unknown;
}

export type TransportEvents = {
  open: () => void;
  packet: (packet: IncomingPacket) => void;
  drain: () => void;
  error: (error: TransportError | ParserError) => void;
  close: (details?: CloseDetails) => void;
};

/**
 * Node only, as in socket.io-client: TLS settings for the HTTP requests and the WebSocket (a
 * self-signed or private CA, client certificates), and the http(s) Agent to use. Browsers ignore them.
 */
export interface NodeTlsOptions {
  /** An `http.Agent`/`https.Agent`, or false for none. */
  agent?: unknown;
  pfx?: string | Uint8Array | (string | Uint8Array | object)[];
  key?: string | Uint8Array | (string | Uint8Array | object)[];
  passphrase?: string;
  cert?: string | Uint8Array | (string | Uint8Array)[];
  ca?: string | Uint8Array | (string | Uint8Array)[];
  ciphers?: string;
  /** false accepts a certificate no trusted CA signed (default true). */
  rejectUnauthorized?: boolean;
}

export interface TransportOptions extends NodeTlsOptions {
  secure: boolean;
  hostname: string;
  port: string;
  /** Engine.IO path, with its trailing slash. */
  path: string;
  /** Query parameters; the session adds `sid` once it has one. */
  query: Record<string, unknown>;
  extraHeaders?: Record<string, string>;
  withCredentials?: boolean;
  timestampRequests?: boolean;
  timestampParam: string;
  protocols?: string | string[];
  /** Node: this transport's connections don't keep the process alive. */
  autoUnref?: boolean;
  /** Node with `withCredentials`: the session's cookies, sent back on each request. */
  cookies?: CookieJar;
}

let stampCounter = 0;

export abstract class Transport extends LocalEmitter<TransportEvents> {
  abstract readonly name: TransportName;
  /** True when `send` may be called (the previous batch has drained). */
  writable = false;
  protected state: TransportState = 'opening';
  declare readonly opts: TransportOptions;

  constructor(opts: TransportOptions) {
    super();
    this.opts = opts;
  }

  abstract open(): void;
  abstract send(packets: OutgoingPacket[]): void;
  abstract close(): void;

  /** HTTP transports: stop reading and writing, then call `onPause` (before an upgrade). */
  pause?(onPause: () => void): void;

  /** The endpoint URL for this transport: `http(s)` or `ws(s)`, with the Engine.IO query. */
  protected url(scheme: 'http' | 'ws', timestamp: boolean | undefined): string {
    const { secure, hostname, port, path } = this.opts;
    // values as given (numbers too): URLSearchParams turns each into a string, as engine.io-client does
    const query: Record<string, unknown> = { ...this.opts.query, EIO: '4', transport: this.name };
    if (timestamp) query[this.opts.timestampParam] = Date.now().toString(36) + (stampCounter++).toString(36);
    const defaultPort = port === (secure ? '443' : '80');
    const search = new URLSearchParams(query as Record<string, string>).toString();
    return `${scheme}${secure ? 's' : ''}://${hostname}${defaultPort ? '' : `:${port}`}${path}?${search}`;
  }

  protected onOpen(): void {
    this.state = 'open';
    this.writable = true;
    this.emit('open');
  }

  protected onError(message: string, description?: unknown, context?: unknown): void {
    if (this.state !== 'closed') this.emit('error', new TransportError(message, description, undefined, context));
  }

  /**
   * A payload or frame that will not decode (Parley's ProtocolError is the `cause`). First the
   * error packet engine.io-client's parser makes of it, so that `packet` and `heartbeat` listeners
   * see it before `error`, as there; an upgrade probe takes it for a wrong answer ('probe error').
   */
  protected onParseError(cause: unknown): void {
    if (this.state === 'closed') return;
    this.emit('packet', { type: 'error', data: 'parser error' }).emit('error', parserError(cause));
  }

  protected onClose(details?: CloseDetails): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.emit('close', details);
  }
}
