/**
 * Error answers as engine.io gives them: on an HTTP response, the status with
 * `Content-Type: application/json` and `{"code":N,"message":"..."}`; on the raw socket of a
 * refused upgrade (which has no response object), `400 Bad Request` with the message as text.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';
import type { Duplex } from 'node:stream';

export function errorBody(code: number, message: string): string {
  return JSON.stringify({ code, message });
}

/**
 * Whether a request still has a body on its way that nobody will read. Node would drain it to
 * keep the connection for the next request, however long it is; refusing with
 * `Connection: close` ends the connection once the answer is out instead.
 */
function hasUnreadBody(req: IncomingMessage | undefined): boolean {
  if (req === undefined || req.readableEnded) return false;
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

/** Whether `req` came over HTTP/2 (an `Http2SecureServer`), where connection headers are not allowed. */
export function isHttp2(req: IncomingMessage): boolean {
  return req.httpVersionMajor >= 2;
}

/**
 * Ends the connection of `req` once its answer is out. HTTP/1: `res.shouldKeepAlive = false`
 * (Node writes `Connection: close`). HTTP/2 forbids that header (Node drops it with a warning)
 * and multiplexes other streams on the connection: the session is closed gracefully instead
 * (GOAWAY), so its streams in flight finish and no new one starts; a closing HTTP/2 server
 * would otherwise wait for the client to hang up.
 */
export function closeConnectionAfter(req: IncomingMessage, res: ServerResponse): void {
  if (isHttp2(req)) closeHttp2Session(req);
  else res.shouldKeepAlive = false;
}

/** Closes the HTTP/2 session of `req` gracefully: its open streams finish, no new one starts. */
export function closeHttp2Session(req: IncomingMessage): void {
  const session = (req as unknown as Http2ServerRequest).stream?.session;
  if (session !== undefined && !session.closed && !session.destroyed) session.close();
}

/**
 * Answers `res` with an Engine.IO error unless it is already answered. A refused request whose
 * body is still arriving (a POST to an unknown session, say) also loses its connection.
 */
export function respondError(res: ServerResponse, status: number, code: number, message: string): void {
  if (res.headersSent || res.writableEnded) {
    if (!res.writableEnded) res.end();
    return;
  }
  if (hasUnreadBody(res.req)) res.shouldKeepAlive = false;
  // No Content-Length: engine.io's refusals go out chunked, and clients may look.
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(errorBody(code, message));
}

/**
 * Answers `res` with a status and no body, as engine.io answers transport-level faults of a
 * session (overlapping requests, an oversized upload, an unsupported method).
 */
export function respondBare(res: ServerResponse, status: number): void {
  if (res.headersSent || res.writableEnded) {
    if (!res.writableEnded) res.end();
    return;
  }
  // No Content-Length, as engine.io answers them: the empty body goes out chunked.
  res.writeHead(status);
  res.end();
}

/**
 * Answers an upgrade request on its raw socket, then closes the socket. Whatever the refusal,
 * engine.io answers an upgrade `400 Bad Request` with the message as `text/html` (header names
 * spelled as it spells them), not the JSON and status of an HTTP refusal.
 */
export function refuseUpgrade(socket: Duplex, message: string): void {
  if (!socket.writable || socket.destroyed) {
    socket.destroy();
    return;
  }
  socket.end(
    'HTTP/1.1 400 Bad Request\r\n' +
      'Connection: close\r\n' +
      'Content-type: text/html\r\n' +
      `Content-Length: ${Buffer.byteLength(message)}\r\n` +
      `\r\n${message}`,
  );
}
