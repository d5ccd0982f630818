/** The `socket.handshake` object, built from the engine session's handshake request. */
import type { IncomingHttpHeaders } from 'node:http';
import { type ParsedUrlQuery, parse as parseQuery } from 'node:querystring';
import type { TLSSocket } from 'node:tls';
import type { EngineSocketLike } from './engine/contract.js';

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

export function buildHandshake(conn: EngineSocketLike, issued: number, auth: Record<string, unknown>): Handshake {
  const request = conn.request;
  const url = request?.url ?? '';
  const queryStart = url.indexOf('?');
  return {
    headers: request?.headers ?? {},
    time: new Date(issued).toString(),
    address: conn.remoteAddress,
    xdomain: request?.headers.origin !== undefined,
    secure: (request?.socket as TLSSocket | undefined)?.encrypted === true,
    issued,
    url,
    query: queryStart === -1 ? {} : parseQuery(url.slice(queryStart + 1)),
    auth,
  };
}
