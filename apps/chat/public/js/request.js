// @ts-check
import { delay } from './util.js';

// Request/response over Socket.IO acks: every chat request is answered `{ ok: true, ... }` or
// `{ ok: false, error: { code, message, retryAfterMs? } }` (see src/chat/events.ts).

const REQUEST_TIMEOUT_MS = 10_000;

/** @typedef {import('../../src/chat/errors.js').ChatErrorCode} ChatErrorCode */

/**
 * The page's connection, typed with the chat's event maps.
 * @typedef {import('@parley/client').Socket<
 *   import('../../src/chat/events.js').ServerToClientEvents,
 *   import('../../src/chat/events.js').ClientToServerEvents
 * >} ChatSocket
 */

/**
 * The part of a Socket.IO client socket a request uses.
 * @typedef {object} RequestSocket
 * @property {boolean} connected
 * @property {(ms: number) => { emit(event: string, ...args: unknown[]): unknown }} timeout
 */

export class RequestError extends Error {
  /**
   * A server error code, or 'TIMEOUT' when the outcome is unknown (no answer, or not connected).
   * @type {ChatErrorCode | 'TIMEOUT'}
   */
  code;
  /** @type {number | undefined} */
  retryAfterMs;

  /**
   * @param {ChatErrorCode | 'TIMEOUT'} code
   * @param {string} message
   * @param {number} [retryAfterMs]
   */
  constructor(code, message, retryAfterMs) {
    super(message);
    this.name = 'RequestError';
    this.code = code;
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * Emits a request and resolves with the server's answer, or rejects with a RequestError.
 * @param {RequestSocket | null | undefined} socket
 * @param {string} event
 * @param {...unknown} args
 * @returns {Promise<any>}  the `ok: true` answer, shaped as events.ts says for `event`
 */
export function request(socket, event, ...args) {
  return new Promise((resolve, reject) => {
    if (!socket?.connected) {
      reject(new RequestError('TIMEOUT', 'Not connected.'));
      return;
    }
    /** @type {(err: Error | null, response: any) => void} */
    const answer = (err, response) => {
      if (err) {
        reject(new RequestError('TIMEOUT', 'The server did not answer in time.'));
      } else if (response?.ok) {
        resolve(response);
      } else {
        const error = response?.error ?? {};
        reject(new RequestError(error.code ?? 'SERVER_ERROR', error.message ?? 'Request failed.', error.retryAfterMs));
      }
    };
    socket.timeout(REQUEST_TIMEOUT_MS).emit(event, ...args, answer);
  });
}

/** Times a read is retried after the server's RATE_LIMITED answer before the error is shown. */
const RATE_LIMIT_RETRIES = 3;

/**
 * Like `request`, for reads that are safe to repeat (room list, joins, history): a RATE_LIMITED
 * answer is waited out (the server says how long) and the request sent again.
 * @param {RequestSocket | null | undefined} socket
 * @param {string} event
 * @param {...unknown} args
 * @returns {Promise<any>}
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
