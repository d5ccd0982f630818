/**
 * The handshake request a session keeps as `socket.request`. Holding the whole IncomingMessage
 * for a session's lifetime would pin its parser state, streams and (for polling) a keep-alive
 * socket that serves other requests; a session keeps this small snapshot instead: headers, url,
 * method, HTTP version and the peer address. When HTTP middlewares are registered (`use()`),
 * the real request is kept, since middlewares attach state to it (e.g. `req.session`).
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

/** The parts of the connection the handshake snapshot remembers. */
export interface HandshakeConnection {
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
  readonly localAddress: string | undefined;
  readonly localPort: number | undefined;
  /** True on TLS connections, as `tls.TLSSocket#encrypted`. */
  readonly encrypted: boolean;
}

export class HandshakeRequest {
  readonly headers: IncomingHttpHeaders;
  readonly url: string;
  readonly method: string;
  readonly httpVersion: string;
  readonly socket: HandshakeConnection;

  constructor(req: IncomingMessage) {
    this.headers = req.headers;
    this.url = req.url ?? '/';
    this.method = req.method ?? 'GET';
    this.httpVersion = req.httpVersion;
    const socket = req.socket as IncomingMessage['socket'] & { encrypted?: boolean };
    this.socket = {
      remoteAddress: socket.remoteAddress,
      remotePort: socket.remotePort,
      localAddress: socket.localAddress,
      localPort: socket.localPort,
      encrypted: socket.encrypted === true,
    };
  }

  /** Alias of {@link socket}, as on IncomingMessage. */
  get connection(): HandshakeConnection {
    return this.socket;
  }

  /** The query string parameters of {@link url} (engine.io exposes them as `_query`). */
  get _query(): Record<string, string> {
    return parseQuery(this.url);
  }
}

/**
 * The request object a session exposes: the snapshot, typed as the IncomingMessage the
 * contract promises (it carries every field the socket layer reads from one).
 */
export function sessionRequest(req: IncomingMessage, keepOriginal: boolean): IncomingMessage {
  return keepOriginal ? req : (new HandshakeRequest(req) as unknown as IncomingMessage);
}

/** The query parameters of a request URL (first value wins for repeated keys). */
export function parseQuery(url: string | undefined): Record<string, string> {
  // No prototype: a parameter named `constructor` or `__proto__` is just a parameter.
  const query: Record<string, string> = Object.create(null);
  if (url === undefined) return query;
  const start = url.indexOf('?');
  if (start === -1) return query;
  for (const [key, value] of new URLSearchParams(url.slice(start + 1))) {
    if (!Object.hasOwn(query, key)) query[key] = value;
  }
  return query;
}

/** The path part of a request URL. */
export function pathOf(url: string | undefined): string {
  if (url === undefined) return '/';
  const end = url.indexOf('?');
  return end === -1 ? url : url.slice(0, end);
}
