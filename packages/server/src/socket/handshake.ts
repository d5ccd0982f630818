/** The `socket.handshake` object, built from the engine session's handshake request. */
import type { IncomingHttpHeaders } from 'node:http';
import type { ParsedUrlQuery } from 'node:querystring';
import type { TLSSocket } from 'node:tls';
import type { EngineSocketLike } from '../engine/contract.js';

export interface Handshake {
  /** The headers of the first request of the session. */
  headers: IncomingHttpHeaders;
  /** When the socket connected, as `Date#toString()`. */
  time: string;
  /** The client's IP address. */
  address: string;
  /** Whether the request was cross-origin (it carried an Origin header). */
  xdomain: boolean;
  /** Whether the connection is over TLS. */
  secure: boolean;
  /** When the socket connected, in ms since the epoch. */
  issued: number;
  /** The URL of the first request. */
  url: string;
  /** Its query parameters. */
  query: ParsedUrlQuery;
  /** The auth payload of the CONNECT packet. */
  auth: Record<string, unknown>;
}

/**
 * A socket's connection time, in whole milliseconds since this module loaded. Sockets keep
 * this rather than `Date.now()`: a small integer is stored in the socket itself, where a
 * timestamp takes a heap number per socket. {@link issuedAt} gives the timestamp back.
 */
const EPOCH = Date.now();

export function issuedNow(): number {
  // Math.floor hands back a small integer where it can; a plain difference of two timestamps
  // stays a heap number.
  return Math.floor(Date.now() - EPOCH);
}

export function issuedAt(offset: number): number {
  return EPOCH + offset;
}

/**
 * Also for engines whose sessions have no HTTP request (WebTransport): then, as in socket.io,
 * the headers and query are empty, `url` is undefined and the connection counts as secure.
 */
export function buildHandshake(conn: EngineSocketLike, issued: number, auth: Record<string, unknown>): Handshake {
  const request = conn.request as EngineSocketLike['request'] | undefined;
  const url = request?.url;
  return {
    headers: request?.headers ?? {},
    time: new Date(issued).toString(),
    address: conn.remoteAddress,
    xdomain: request?.headers.origin !== undefined && request?.headers.origin !== '',
    secure: request === undefined || (request.socket as TLSSocket | undefined)?.encrypted === true,
    issued,
    // socket.io's type says string, its value is undefined without a request.
    url: url as string,
    // The request's own `_query` (both engines set it), the very object, as in socket.io.
    query: (request as { _query?: ParsedUrlQuery } | undefined)?._query ?? {},
    auth,
  };
}
