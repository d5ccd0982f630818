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

/** A transport failed (request error, HTTP status, socket error, closed probe). */
export class TransportError extends ClientError {
  override name = 'TransportError';
  /** socket.io-client compatibility: always 'TransportError'. */
  readonly type = 'TransportError';
  /** What went wrong underneath: an HTTP status, an error event, an exception. */
  declare readonly description: unknown;

  constructor(message: string, description?: unknown, code: ClientErrorCode = 'TRANSPORT_ERROR') {
    super(code, message, description);
    this.description = description;
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
