/**
 * Every way the client reports a failure: one base class with a stable `code` and an optional
 * `cause`, and a few subclasses that carry extra context. Messages match socket.io-client's
 * where it has one ("timeout", "xhr poll error", "operation has timed out", ...).
 */
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
  override name = 'ClientError';
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
  override name = 'TransportError';
  /** socket.io-client compatibility: always 'TransportError'. */
  readonly type = 'TransportError';
  /** What went wrong underneath: an HTTP status, an error event, an exception. */
  declare readonly description: unknown;
  /** More about it, when there is more: the HTTP response, or the exception of a failed request. */
  declare readonly context: unknown;

  constructor(message: string, description?: unknown, code: ClientErrorCode = 'TRANSPORT_ERROR', context?: unknown) {
    super(code, message, context ?? description);
    this.description = description;
    this.context = context;
  }
}

/** The server refused to connect this namespace (a middleware error, an unknown namespace). */
export class ConnectError extends ClientError {
  override name = 'ConnectError';
  /** The `data` the server attached to the error, if any. */
  declare readonly data: unknown;

  constructor(message: string, data?: unknown) {
    super('CONNECT_ERROR', message);
    this.data = data;
  }
}

/** An acknowledgement that will not arrive: timed out, or its connection dropped. */
export class AckError extends ClientError {
  override name = 'AckError';
}
