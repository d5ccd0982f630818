/** Errors the Redis adapter raises or reports, each with a stable `code`. */
import { CodedError } from '@parley/protocol';

export type RedisAdapterErrorCode =
  | 'BAD_MESSAGE'
  | 'REQUEST_TIMEOUT'
  | 'REDIS_COMMAND_FAILED'
  | 'OWNER_UNREACHABLE'
  | 'HANDLER_FAILED'
  | 'INVALID_OPTION';

export class RedisAdapterError extends CodedError<RedisAdapterErrorCode> {
  override name = 'RedisAdapterError';
}

/** A message from Redis that is not a frame this adapter wrote (or is corrupt). */
export class BadMessageError extends RedisAdapterError {
  override name = 'BadMessageError';

  constructor(reason: string, options?: { cause?: unknown }) {
    super('BAD_MESSAGE', `undecodable cluster message: ${reason}`, options);
  }
}

/**
 * Passed to a `serverSideEmit` acknowledgement when a node believed alive did not answer within
 * `requestsTimeout`; the answers that did arrive are passed alongside it.
 */
export class RequestTimeoutError extends RedisAdapterError {
  override name = 'RequestTimeoutError';
  readonly received: number;
  readonly expected: number;

  constructor(received: number, expected: number) {
    super('REQUEST_TIMEOUT', `timeout reached: only ${received} responses received out of ${expected}`);
    this.received = received;
    this.expected = expected;
  }
}
