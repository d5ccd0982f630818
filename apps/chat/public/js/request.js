import { delay } from './util.js';

// Request/response over Socket.IO acks: every chat request is answered `{ ok: true, ... }` or
// `{ ok: false, error: { code, message, retryAfterMs? } }` (see src/chat/events.ts).

const REQUEST_TIMEOUT_MS = 10_000;

export class RequestError extends Error {
  /** A server error code, or 'TIMEOUT' when the outcome is unknown (no answer, or not connected). */
  code;
  retryAfterMs;

  constructor(code, message, retryAfterMs) {
    super(message);
    this.name = 'RequestError';
    this.code = code;
    this.retryAfterMs = retryAfterMs;
  }
}

/** Emits a request and resolves with the server's answer, or rejects with a RequestError. */
export function request(socket, event, ...args) {
  return new Promise((resolve, reject) => {
    if (!socket?.connected) {
      reject(new RequestError('TIMEOUT', 'Not connected.'));
      return;
    }
    socket.timeout(REQUEST_TIMEOUT_MS).emit(event, ...args, (err, response) => {
      if (err) {
        reject(new RequestError('TIMEOUT', 'The server did not answer in time.'));
      } else if (response?.ok) {
        resolve(response);
      } else {
        const error = response?.error ?? {};
        reject(new RequestError(error.code ?? 'SERVER_ERROR', error.message ?? 'Request failed.', error.retryAfterMs));
      }
    });
  });
}

/** Times a read is retried after the server's RATE_LIMITED answer before the error is shown. */
const RATE_LIMIT_RETRIES = 3;

/**
 * Like `request`, for reads that are safe to repeat (room list, joins, history): a RATE_LIMITED
 * answer is waited out (the server says how long) and the request sent again.
 */
export async function requestPatiently(socket, event, ...args) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await request(socket, event, ...args);
    } catch (err) {
      if (!(err instanceof RequestError) || err.code !== 'RATE_LIMITED' || attempt >= RATE_LIMIT_RETRIES) throw err;
      await delay(err.retryAfterMs ?? 1000);
    }
  }
}
