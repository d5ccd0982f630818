/**
 * Byte helpers that work in browsers (Uint8Array, ArrayBuffer) and use Node's Buffer
 * when it is there, so Node callers get Buffers back without the package requiring them.
 */
import { decodeBase64Portable, encodeBase64Portable, invalidBase64 } from './base64.js';

interface BufferLike extends Uint8Array {
  toString(encoding?: 'base64'): string;
}
interface BufferStatic {
  from(data: string, encoding: 'base64'): BufferLike;
  from(data: ArrayBuffer, byteOffset?: number, length?: number): BufferLike;
  isBuffer(value: unknown): boolean;
}

const NodeBuffer = (globalThis as { Buffer?: BufferStatic }).Buffer;

/** Binary values the codecs carry: Node Buffers are Uint8Arrays too. */
export type BinaryData = Uint8Array | ArrayBuffer | ArrayBufferView;

/** True for any value that travels as a binary attachment rather than JSON. */
export function isBinary(value: unknown): value is BinaryData {
  return (
    value instanceof Uint8Array ||
    value instanceof ArrayBuffer ||
    ArrayBuffer.isView(value) ||
    // Blob-free environments and cross-realm ArrayBuffers (e.g. from a worker)
    Object.prototype.toString.call(value) === '[object ArrayBuffer]'
  );
}

/** A Uint8Array view of any binary value, without copying. */
export function toUint8Array(value: BinaryData): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  return new Uint8Array(value);
}

/**
 * Bytes as the platform likes them: a Buffer in Node (same memory, no copy),
 * a plain Uint8Array elsewhere.
 */
export function toPlatformBytes(value: BinaryData): Uint8Array {
  const bytes = toUint8Array(value);
  if (NodeBuffer && !NodeBuffer.isBuffer(bytes)) {
    return NodeBuffer.from(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength);
  }
  return bytes;
}

/** Standard, padded base64 (what every Engine.IO client sends for binary over polling). */
export function encodeBase64(value: BinaryData): string {
  const bytes = toUint8Array(value);
  return NodeBuffer ? (toPlatformBytes(bytes) as BufferLike).toString('base64') : encodeBase64Portable(bytes);
}

// Buffer.from(text, 'base64') skips garbage silently, so input is checked first.
const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Decodes standard padded base64. Invalid input is a ProtocolError: a peer that sends it is
 * broken or hostile.
 */
export function decodeBase64(text: string): Uint8Array {
  if (!NodeBuffer) return decodeBase64Portable(text);
  if (!BASE64_PATTERN.test(text)) throw invalidBase64();
  return NodeBuffer.from(text, 'base64');
}
