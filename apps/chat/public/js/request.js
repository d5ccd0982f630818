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
