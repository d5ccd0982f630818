/**
 * Every way the client reports a failure: one base class with a stable `code` and an optional
 * `cause`, and a few subclasses that carry extra context. Messages match socket.io-client's
 * where it has one ("timeout", "xhr poll error", "operation has timed out", ...), and their `name`
 * is socket.io-client's 'Error', so `String(err)` and logs read the same.
 */
import type { ProtocolError, ProtocolErrorCode } from '@parley/protocol';

export type ClientErrorCode =
  | 'CONNECT_TIMEOUT'
  | 'CONNECT_ERROR'
  | 'TRANSPORT_ERROR'
  | 'PROBE_ERROR'
  | 'HANDSHAKE_ERROR'
  | 'ACK_TIMEOUT'
  | 'DISCONNECTED'
  | 'RESERVED_EVENT';

/**
 * @example
 * socket.on('connect_error', (err) => {
 *   if (err instanceof ClientError && err.code === 'CONNECT_TIMEOUT') retryLater();
 * });
 */
export class ClientError extends Error {
  declare readonly code: ClientErrorCode;

  constructor(code: ClientErrorCode, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.code = code;
  }
}

/**
 * A transport failed (request error, HTTP status, socket error, closed probe). `description` and
 * `context` are filled as socket.io-client fills them, so that handlers written for it read the
 * same values: an HTTP request gives its status (0 when no response came) and, as context, the
 * response or the exception (socket.io-client gives its XMLHttpRequest there).
 */
export class TransportError extends ClientError {
  /** socket.io-client compatibility: always 'TransportError'. */
  readonly type = 'TransportError';
  /** What went wrong underneath: an HTTP status, an error event, an exception. */
  declare readonly description: unknown;
  /** More about it, when there is more: the HTTP response, or the exception of a failed request. */
  declare readonly context: unknown;
  /** A failed upgrade probe's error (`upgradeError`): the probed transport, as engine.io-client names it. */
  declare transport?: string;

  constructor(message: string, description?: unknown, code: ClientErrorCode = 'TRANSPORT_ERROR', context?: unknown) {
    super(code, message, context ?? description);
    this.description = description;
    this.context = context;
  }
}

/** The server refused to connect this namespace (a middleware error, an unknown namespace). */
export class ConnectError extends ClientError {
  /** The `data` the server attached to the error, if any. */
  declare readonly data: unknown;

  constructor(message: string, data?: unknown) {
    super('CONNECT_ERROR', message);
    this.data = data;
  }
}

/** An acknowledgement that will not arrive: timed out, or its connection dropped. */
export class AckError extends ClientError {}

/**
 * An Engine.IO packet that will not decode, as engine.io-client reports it (its parser turns the
 * packet into an error packet, which the session reports as a server error): a plain Error, with
 * Parley's ProtocolError as its `cause`. The session closes with 'transport error'.
 */
export type ParserError = Error & { code: 'parser error' };

export function parserError(cause: unknown): ParserError {
  return Object.assign(new Error('server error', { cause }), { code: 'parser error' as const });
}

/** socket.io-parser's messages, by the code of the ProtocolError the built-in decoder throws instead. */
const DECODE_MESSAGES: Partial<Record<ProtocolErrorCode, string>> = {
  INVALID_ATTACHMENT_COUNT: 'Illegal attachments',
  TOO_MANY_ATTACHMENTS: 'too many attachments',
  INVALID_PLACEHOLDER: 'illegal attachments',
  UNEXPECTED_TEXT: 'got plaintext data when reconstructing a packet',
  UNEXPECTED_ATTACHMENT: 'got binary data when not reconstructing a packet',
};

/**
 * A Socket.IO packet that will not decode, as socket.io-client reports it (`disconnect`'s second
 * argument, with the reason 'parse error'): a plain Error with socket.io-parser's message,
 * 'invalid payload' where it has none of its own; Parley's ProtocolError is its `cause`.
 */
export function decodeError(cause: ProtocolError, data: unknown): Error {
  const message =
    cause.code === 'UNKNOWN_PACKET_TYPE'
      ? `unknown packet type ${Number((data as string)[0])}`
      : (DECODE_MESSAGES[cause.code] ?? 'invalid payload');
  return new Error(message, { cause });
}
