/**
 * The base of Parley's errors: a stable, typed `code` beside the message, for callers to switch on
 * and to log.
 */
export class CodedError<Code extends string> extends Error {
  readonly code: Code;

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/**
 * Every way a peer's bytes can fail to be a valid Engine.IO or Socket.IO packet.
 * The codes are stable: callers switch on them, log them and send them to clients.
 */
export type ProtocolErrorCode =
  | 'EMPTY_PACKET'
  | 'UNKNOWN_PACKET_TYPE'
  | 'INVALID_BASE64'
  | 'INVALID_JSON'
  | 'INVALID_NAMESPACE'
  | 'INVALID_ACK_ID'
  | 'INVALID_ATTACHMENT_COUNT'
  | 'TOO_MANY_ATTACHMENTS'
  | 'INVALID_PLACEHOLDER'
  | 'UNEXPECTED_ATTACHMENT'
  | 'UNEXPECTED_TEXT'
  | 'INVALID_PAYLOAD'
  | 'NESTED_TOO_DEEP'
  | 'RESERVED_EVENT';

/**
 * The only error the decoders throw. Anything else escaping a decoder is a bug.
 *
 * @example
 * try { decoder.add(frame) } catch (err) {
 *   if (err instanceof ProtocolError) closeConnection('parse error', err.code)
 * }
 */
export class ProtocolError extends CodedError<ProtocolErrorCode> {
  override readonly name = 'ProtocolError';
}
