/**
 * The handshake request a session keeps as `socket.request`. Holding the whole IncomingMessage
 * for a session's lifetime would pin its parser state, streams and (for polling) a keep-alive
 * socket that serves other requests; a session keeps this small snapshot instead: headers, url,
 * method, HTTP version and the peer address. When HTTP middlewares are registered (`use()`),
 * the real request is kept, since middlewares attach state to it (e.g. `req.session`).
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { SharedStrings } from './shared-strings.js';

/** The parts of the connection the handshake snapshot remembers. */
export interface HandshakeConnection {
  readonly remoteAddress?: string | undefined;
  readonly remotePort?: number | undefined;
  readonly localAddress?: string | undefined;
  readonly localPort?: number | undefined;
  /** True on TLS connections, as `tls.TLSSocket#encrypted`; absent on plain TCP sockets. */
  readonly encrypted?: boolean;
}

type TcpSocket = IncomingMessage['socket'] & { encrypted?: boolean };

/** An engine request as engine.io hands it on: with its parsed query as `_query`. */
type RequestWithQuery = IncomingMessage & { _query?: Record<string, string> };

/** The `_query` of the snapshots whose query was read. */
const snapshotQueries = new WeakMap<HandshakeRequest, Record<string, string>>();

/**
 * The query of an engine request, also set as `req._query` as engine.io does before middlewares,
 * `allowRequest` and the session see the request (applications read `req._query.token` there).
 * One set by an earlier framework is left as it is; the engine itself goes by the URL.
 */
export function queryOf(req: IncomingMessage): Record<string, string> {
  const query = parseQuery(req.url);
  if ((req as RequestWithQuery)._query === undefined) (req as RequestWithQuery)._query = query;
  return query;
}

export class HandshakeRequest {
  readonly headers: IncomingHttpHeaders;
  readonly url: string;
  readonly method: string;
  readonly httpVersion: string;
  readonly socket: HandshakeConnection;

  /**
   * @param live the connection lives as long as the session (WebSocket): it is kept itself, as
   *   socket.io keeps it, rather than copied (a syscall and two objects per handshake). Its
   *   peer address stays readable after it closes: Node keeps it once read, and the session
   *   reads it when it opens.
   * @param shared where the values that many sessions repeat are kept once
   */
  constructor(req: IncomingMessage, live = false, shared?: SharedStrings) {
    this.headers = req.headers;
    this.url = req.url ?? '/';
    if (shared !== undefined) {
      shared.shareHeaders(this.headers);
      // A WebSocket handshake's url is the same for every client of an application; a polling
      // one carries a timestamp, and pooling it would only churn the pool.
      if (live) this.url = shared.share(this.url);
    }
    // The parser makes fresh strings per request; the common values are shared constants.
    this.method = req.method === 'GET' ? 'GET' : req.method === 'POST' ? 'POST' : (req.method ?? 'GET');
    this.httpVersion = req.httpVersion === '1.1' ? '1.1' : req.httpVersion;
    const socket = req.socket as TcpSocket;
    this.socket = live
      ? socket
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

  /**
   * The query string parameters of {@link url}, as engine.io exposes them (see {@link queryOf}).
   * Parsed when first read: most sessions never read it, and each would hold its own copy.
   */
  get _query(): Record<string, string> {
    let query = snapshotQueries.get(this);
    if (query === undefined) {
      query = parseQuery(this.url);
      snapshotQueries.set(this, query);
    }
    return query;
  }
}

/**
 * The request object a session exposes: the snapshot, typed as the IncomingMessage the
 * contract promises (it carries every field the socket layer reads from one).
 */
export function sessionRequest(
  req: IncomingMessage,
  keepOriginal: boolean,
  live = false,
  shared?: SharedStrings,
): IncomingMessage {
  return keepOriginal ? req : (new HandshakeRequest(req, live, shared) as unknown as IncomingMessage);
}

/**
 * The query parameters of a request URL; the last value wins for a repeated key, as in engine.io
 * (which routes by the same values: `?sid=a&sid=b` is session b). Every engine
 * request is parsed, so plain queries (no `%` or `+`, as clients send them) are split by hand;
 * anything encoded goes through URLSearchParams for its exact decoding rules.
 */
export function parseQuery(url: string | undefined): Record<string, string> {
  // An ordinary object, as engine.io's (applications call `query.hasOwnProperty(...)`); see setParam.
  const query: Record<string, string> = {};
  if (url === undefined) return query;
  const start = url.indexOf('?');
  if (start === -1) return query;
  // As URLSearchParams does, one more leading `?` is not part of the first key.
  const search = url.charCodeAt(start + 1) === 0x3f ? url.slice(start + 2) : url.slice(start + 1);
  if (search.includes('%') || search.includes('+')) {
    for (const [key, value] of new URLSearchParams(url.slice(start + 1))) setParam(query, key, value);
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
      setParam(query, key, split === end ? '' : search.slice(split + 1, end));
    }
    position = end + 1;
  }
  return query;
}

/** A parameter named `__proto__` is an own property, as `Object.fromEntries` makes it, not the prototype. */
function setParam(query: Record<string, string>, key: string, value: string): void {
  if (key === '__proto__')
    Object.defineProperty(query, key, { value, writable: true, enumerable: true, configurable: true });
  else query[key] = value;
}

/**
 * The session a request names: its `sid` parameter, unless empty. As in engine.io, `sid=` (as a
 * client that keeps an empty id sends it) asks for a new session.
 */
export function sessionIdOf(query: Record<string, string>): string | undefined {
  const sid = query.sid;
  return sid === '' ? undefined : sid;
}

/** The path part of a request URL. */
export function pathOf(url: string | undefined): string {
  if (url === undefined) return '/';
  const end = url.indexOf('?');
  return end === -1 ? url : url.slice(0, end);
}
