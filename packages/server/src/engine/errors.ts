/**
 * Typed errors of the engine. Each has a stable `code`; request-level errors also carry the
 * Engine.IO error number and HTTP status the protocol prescribes.
 */

/** Engine.IO's request error numbers (see PROTOCOL.md). */
export const RequestErrorCode = {
  UNKNOWN_TRANSPORT: 0,
  UNKNOWN_SID: 1,
  BAD_HANDSHAKE_METHOD: 2,
  BAD_REQUEST: 3,
  FORBIDDEN: 4,
  UNSUPPORTED_PROTOCOL_VERSION: 5,
} as const;
export type RequestErrorNumber = (typeof RequestErrorCode)[keyof typeof RequestErrorCode];

export const REQUEST_ERROR_MESSAGES: Record<RequestErrorNumber, string> = {
  0: 'Transport unknown',
  1: 'Session ID unknown',
  2: 'Bad handshake method',
  3: 'Bad request',
  4: 'Forbidden',
  5: 'Unsupported protocol version',
};

export type EngineErrorCode =
  | 'REQUEST_REFUSED'
  | 'PAYLOAD_TOO_LARGE'
  | 'PARSE_ERROR'
  | 'POLL_OVERLAP'
  | 'POLL_ABORTED'
  | 'TRANSPORT_ERROR'
  | 'INVALID_SESSION_ID'
  | 'MIDDLEWARE_FAILED'
  | 'SEND_BUFFER_FULL';

/**
 * Base class: every error the engine creates. Its `name` stays 'Error' where engine.io gives a plain
 * Error for the same case (transport errors reach `disconnect` listeners), so logs read the same;
 * the errors engine.io has no counterpart for are named.
 */
export class EngineError extends Error {
  readonly code: EngineErrorCode;

  constructor(code: EngineErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/**
 * A request the engine refused before it reached a session: answered with `status` and the
 * JSON body `{"code": errorNumber, "message": message}`; emitted as `connection_error`.
 */
export class RequestError extends EngineError {
  override readonly name = 'RequestError';
  readonly errorNumber: RequestErrorNumber;
  readonly status: 400 | 403;
  /**
   * Details for logs and `connection_error` listeners (never sent to the client), with the
   * keys and values engine.io gives for the same refusal.
   */
  readonly context: Record<string, unknown>;

  constructor(
    errorNumber: RequestErrorNumber,
    context: Record<string, unknown> = {},
    message?: string,
    options?: { cause?: unknown },
  ) {
    super('REQUEST_REFUSED', message ?? REQUEST_ERROR_MESSAGES[errorNumber], options);
    this.errorNumber = errorNumber;
    this.status = errorNumber === RequestErrorCode.FORBIDDEN ? 403 : 400;
    this.context = context;
  }
}

/** A polling body or WebSocket message over `maxHttpBufferSize` (HTTP 413 / close 1009). */
export class PayloadTooLargeError extends EngineError {
  /** As engine.io marks the transport error of an oversized WebSocket message. */
  readonly type = 'TransportError';
  readonly limit: number;

  constructor(limit: number) {
    super('PAYLOAD_TOO_LARGE', `payload exceeds maxHttpBufferSize (${limit} bytes)`);
    this.limit = limit;
  }
}

/** A transport failed: bad frames, aborted requests, overlapping polls, socket errors. */
export class TransportError extends EngineError {
  /** engine.io marks its transport errors so; applications test `description?.type`. */
  readonly type = 'TransportError';
}

/**
 * A peer fell more than `maxBufferedBytes` behind (it stopped reading): its session is closed
 * with the reason `'send buffer full'`.
 */
export class SendBufferFullError extends EngineError {
  override readonly name = 'SendBufferFullError';
  readonly limit: number;

  constructor(limit: number, buffered: number) {
    super(
      'SEND_BUFFER_FULL',
      `${buffered} bytes waiting for a peer that does not read, over maxBufferedBytes (${limit})`,
    );
    this.limit = limit;
  }
}
