/**
 * Server-to-client WebSocket text frames (RFC 6455 section 5.2: FIN, opcode 1, no mask),
 * built once per packet so a broadcast hands the same bytes to every socket.
 */
const FIN_TEXT = 0x81;

export function textFrame(text: string): Buffer {
  const payloadLength = Buffer.byteLength(text);
  const headerLength = payloadLength < 126 ? 2 : payloadLength < 0x10000 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + payloadLength);
  frame[0] = FIN_TEXT;
  if (payloadLength < 126) {
    frame[1] = payloadLength;
  } else if (payloadLength < 0x10000) {
    frame[1] = 126;
    frame.writeUInt16BE(payloadLength, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(payloadLength), 2);
  }
  frame.write(text, headerLength, 'utf8');
  return frame;
}
