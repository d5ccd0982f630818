/**
 * Error answers, on an HTTP response or on a raw socket (an upgrade request has no response
 * object): status, `Content-Type: application/json` and `{"code":N,"message":"..."}`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
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
  const body = errorBody(code, message);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
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
  res.writeHead(status, { 'Content-Length': 0 });
  res.end();
}

/** Answers an upgrade request on its raw socket, then closes the socket. */
export function refuseUpgrade(socket: Duplex, status: number, code: number, message: string): void {
  if (!socket.writable || socket.destroyed) {
    socket.destroy();
    return;
  }
  const body = errorBody(code, message);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      `\r\n${body}`,
  );
}
