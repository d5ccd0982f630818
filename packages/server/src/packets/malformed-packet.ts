/**
 * The error a socket emits (`socket.on('error')`) when its connection sent a packet that does
 * not decode. Applications match on socket.io's messages ("Illegal attachments", "invalid
 * payload", ...), so the message is socket.io's; Parley's own diagnosis stays in `cause`.
 */
import { ProtocolError, type ProtocolErrorCode } from '@parley/protocol';
import { ParleyServerError } from '../errors.js';

const SOCKET_IO_MESSAGES: Partial<Record<ProtocolErrorCode, string>> = {
  INVALID_ATTACHMENT_COUNT: 'Illegal attachments',
  TOO_MANY_ATTACHMENTS: 'too many attachments',
  UNEXPECTED_TEXT: 'got plaintext data when reconstructing a packet',
  UNEXPECTED_ATTACHMENT: 'got binary data when not reconstructing a packet',
};

export class MalformedPacketError extends ParleyServerError {
  /** The decoder's reason, e.g. 'INVALID_ATTACHMENT_COUNT'. */
  readonly reason: ProtocolErrorCode | 'CUSTOM_PARSER';

  constructor(cause: unknown, data?: string | Uint8Array) {
    super('MALFORMED_PACKET', messageFor(cause, data), { cause });
    this.reason = cause instanceof ProtocolError ? cause.code : 'CUSTOM_PARSER';
  }
}

function messageFor(cause: unknown, data: string | Uint8Array | undefined): string {
  if (cause instanceof ProtocolError) {
    if (cause.code === 'UNKNOWN_PACKET_TYPE' && typeof data === 'string') {
      return `unknown packet type ${Number(data.charAt(0))}`;
    }
    return SOCKET_IO_MESSAGES[cause.code] ?? 'invalid payload';
  }
  // A custom parser's own error (socket.io-parser's interface): its message is already the spec.
  return cause instanceof Error ? cause.message : 'invalid payload';
}
