/**
 * Unmasked server-to-client WebSocket data frames (RFC 6455 section 5.2), built once and written
 * as they are to any number of sockets. Only used when no extension (permessage-deflate) is
 * negotiated, where a frame is exactly header + payload.
 */

const OPCODE_TEXT = 0x1;
const OPCODE_BINARY = 0x2;
const FIN = 0x80;

function headerLength(payloadLength: number): number {
  if (payloadLength < 126) return 2;
  if (payloadLength < 65_536) return 4;
  return 10;
}

function writeHeader(frame: Buffer, opcode: number, payloadLength: number): number {
  frame[0] = FIN | opcode;
  if (payloadLength < 126) {
    frame[1] = payloadLength;
    return 2;
  }
  if (payloadLength < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(payloadLength, 2);
    return 4;
  }
  frame[1] = 127;
  frame.writeUInt32BE(Math.floor(payloadLength / 2 ** 32), 2);
  frame.writeUInt32BE(payloadLength >>> 0, 6);
  return 10;
}

/**
 * One complete text frame carrying an Engine.IO text packet: the type digit `typeByte`, then
 * `data` as UTF-8. Written straight into the frame, so the packet's text (`'4' + data`) is never
 * built as a string: that concatenation and its flattening cost as much as the rest of the frame.
 */
export function buildPacketTextFrame(typeByte: number, data: string): Buffer {
  const length = 1 + Buffer.byteLength(data);
  const frame = Buffer.allocUnsafe(headerLength(length) + length);
  const offset = writeHeader(frame, OPCODE_TEXT, length);
  frame[offset] = typeByte;
  frame.write(data, offset + 1, 'utf8');
  return frame;
}

/** One complete binary frame carrying `bytes`. */
export function buildBinaryFrame(bytes: Uint8Array): Buffer {
  const length = bytes.byteLength;
  const frame = Buffer.allocUnsafe(headerLength(length) + length);
  const offset = writeHeader(frame, OPCODE_BINARY, length);
  frame.set(bytes, offset);
  return frame;
}
