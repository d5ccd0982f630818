/**
 * Errors the socket layer raises, each with a stable `code`. Where socket.io raises a plain Error
 * for the same case, so does the class's `name` ('Error'): `String(err)` and logs read the same.
 */
import { EventEmitter } from 'node:events';
import { CodedError } from '@parley/protocol';

export type ParleyServerErrorCode = 'ACK_TIMEOUT' | 'RESERVED_EVENT' | 'MALFORMED_PACKET';

export class ParleyServerError extends CodedError<ParleyServerErrorCode> {}

/** Passed to an acknowledgement callback whose `timeout(ms)` elapsed (message as in socket.io). */
export class AckTimeoutError extends ParleyServerError {
  constructor() {
    super('ACK_TIMEOUT', 'operation has timed out');
  }
}

/** Thrown by `emit` for a name that belongs to the library (connect, disconnect, ...). */
export class ReservedEventError extends ParleyServerError {
  constructor(event: string) {
    super('RESERVED_EVENT', `"${event}" is a reserved event name`);
  }
}

/**
 * The error a namespace middleware passes to `next(err)`: `message` and `data` reach the client
 * in the CONNECT_ERROR packet.
 */
export interface ExtendedError extends Error {
  data?: unknown;
}

/** Where an unlistened error goes instead of stderr (e.g. a rate-limited log, for peer-caused ones). */
export type ErrorFallback = (where: string, error: unknown) => void;

/**
 * Reports an exception thrown by user code (a handler, a middleware, an async listener) without
 * letting it reach the process: to the emitter's `error` listeners if it has any, else to
 * `fallback`, else to stderr.
 */
export function reportUserError(
  emitter: { listenerCount(event: string): number; emit(event: string, ...args: unknown[]): unknown },
  error: unknown,
  where: string,
  fallback?: ErrorFallback,
): void {
  if (emitter.listenerCount('error') > 0) {
    try {
      // Namespaces and sockets override `emit` to send to clients: the report goes to the local
      // listeners through EventEmitter's own `emit`, never over the network.
      if (emitter instanceof EventEmitter) EventEmitter.prototype.emit.call(emitter, 'error', error);
      else emitter.emit('error', error);
      return;
    } catch (nested) {
      error = nested;
    }
  }
  if (fallback !== undefined) fallback(where, error);
  else console.error(`[parley] uncaught exception in ${where}:`, error);
}
