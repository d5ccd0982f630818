/**
 * Error answers, on an HTTP response or on a raw socket (an upgrade request has no response
 * object): status, `Content-Type: application/json` and `{"code":N,"message":"..."}`.
 */
import type { ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

export function errorBody(code: number, message: string): string {
  return JSON.stringify({ code, message });
}

/** Answers `res` with an Engine.IO error unless it is already answered. */
export function respondError(res: ServerResponse, status: number, code: number, message: string): void {
  if (res.headersSent || res.writableEnded) {
    if (!res.writableEnded) res.end();
    return;
  }
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
