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

type TcpSocket = IncomingMessage['socket'] & { encrypted?: boolean };

/**
 * The connection of a session that keeps it (WebSocket). The peer's address is copied at once
 * (it is what `handshake.address` shows, also after the connection is gone); the local one is
 * asked of the socket when read.
 */
class LiveConnection implements HandshakeConnection {
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
  readonly encrypted: boolean;
  readonly #socket: TcpSocket;

  constructor(socket: TcpSocket) {
    this.#socket = socket;
    this.remoteAddress = socket.remoteAddress;
    this.remotePort = socket.remotePort;
    this.encrypted = socket.encrypted === true;
  }

  get localAddress(): string | undefined {
    return this.#socket.localAddress;
  }

  get localPort(): number | undefined {
    return this.#socket.localPort;
  }
}

export class HandshakeRequest {
  readonly headers: IncomingHttpHeaders;
  readonly url: string;
  readonly method: string;
  readonly httpVersion: string;
  readonly socket: HandshakeConnection;

  /**
   * @param live the connection lives as long as the session (WebSocket): its local address is
   *   read from it when asked for rather than copied (a syscall and two objects per handshake).
   */
  constructor(req: IncomingMessage, live = false) {
    this.headers = req.headers;
    this.url = req.url ?? '/';
    // The parser makes fresh strings per request; the common values are shared constants.
    this.method = req.method === 'GET' ? 'GET' : req.method === 'POST' ? 'POST' : (req.method ?? 'GET');
    this.httpVersion = req.httpVersion === '1.1' ? '1.1' : req.httpVersion;
    const socket = req.socket as TcpSocket;
    this.socket = live
      ? new LiveConnection(socket)
      : {
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
export function sessionRequest(req: IncomingMessage, keepOriginal: boolean, live = false): IncomingMessage {
  return keepOriginal ? req : (new HandshakeRequest(req, live) as unknown as IncomingMessage);
}

/**
 * The query parameters of a request URL (first value wins for repeated keys). Every engine
 * request is parsed, so plain queries (no `%` or `+`, as clients send them) are split by hand;
 * anything encoded goes through URLSearchParams for its exact decoding rules.
 */
export function parseQuery(url: string | undefined): Record<string, string> {
  // No prototype: a parameter named `constructor` or `__proto__` is just a parameter.
  const query: Record<string, string> = Object.create(null);
  if (url === undefined) return query;
  const start = url.indexOf('?');
  if (start === -1) return query;
  // As URLSearchParams does, one more leading `?` is not part of the first key.
  const search = url.charCodeAt(start + 1) === 0x3f ? url.slice(start + 2) : url.slice(start + 1);
  if (search.includes('%') || search.includes('+')) {
    for (const [key, value] of new URLSearchParams(url.slice(start + 1))) {
      if (!Object.hasOwn(query, key)) query[key] = value;
    }
    return query;
  }
  let position = 0;
  while (position <= search.length) {
    let end = search.indexOf('&', position);
    if (end === -1) end = search.length;
    if (end > position) {
      const equals = search.indexOf('=', position);
      const split = equals === -1 || equals > end ? end : equals;
      const key = search.slice(position, split);
      if (!Object.hasOwn(query, key)) query[key] = split === end ? '' : search.slice(split + 1, end);
    }
    position = end + 1;
  }
  return query;
}

/** The path part of a request URL. */
export function pathOf(url: string | undefined): string {
  if (url === undefined) return '/';
  const end = url.indexOf('?');
  return end === -1 ? url : url.slice(0, end);
}
