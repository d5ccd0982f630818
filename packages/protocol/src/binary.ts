/**
 * Byte helpers that work in browsers (Uint8Array, ArrayBuffer) and use Node's Buffer
 * when it is there, so Node callers get Buffers back without the package requiring them.
 */
import { ProtocolError } from './errors.js';

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

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = new Uint8Array(128).fill(255);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

/** Standard, padded base64 (what every Engine.IO client sends for binary over polling). */
export function encodeBase64(value: BinaryData): string {
  const bytes = toUint8Array(value);
  if (NodeBuffer) return (toPlatformBytes(bytes) as BufferLike).toString('base64');
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + ALPHABET[(n >> 6) & 63] + ALPHABET[n & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i] << 16;
    out += `${ALPHABET[n >> 18]}${ALPHABET[(n >> 12) & 63]}==`;
  } else if (rest === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += `${ALPHABET[n >> 18]}${ALPHABET[(n >> 12) & 63]}${ALPHABET[(n >> 6) & 63]}=`;
  }
  return out;
}

/**
 * Decodes standard padded base64. Unlike Buffer.from(…, 'base64'), which silently skips
 * garbage, invalid input is a ProtocolError: a peer that sends it is broken or hostile.
 */
export function decodeBase64(text: string): Uint8Array {
  if (NodeBuffer) {
    if (!BASE64_PATTERN.test(text)) throw invalidBase64();
    return NodeBuffer.from(text, 'base64');
  }
  const length = text.length;
  if (length % 4 !== 0) throw invalidBase64();
  const padding = length === 0 ? 0 : text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const bytes = new Uint8Array((length / 4) * 3 - padding);
  let o = 0;
  for (let i = 0; i < length; i += 4) {
    const a = sextet(text, i);
    const b = sextet(text, i + 1);
    const last = i + 4 === length;
    const c = last && padding === 2 ? 0 : sextet(text, i + 2);
    const d = last && padding >= 1 ? 0 : sextet(text, i + 3);
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    bytes[o++] = n >> 16;
    if (o < bytes.length) bytes[o++] = (n >> 8) & 255;
    if (o < bytes.length) bytes[o++] = n & 255;
  }
  return toPlatformBytes(bytes);
}

const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function sextet(text: string, index: number): number {
  const code = text.charCodeAt(index);
  const value = code < 128 ? LOOKUP[code] : 255;
  if (value === 255) throw invalidBase64();
  return value;
}

function invalidBase64(): ProtocolError {
  return new ProtocolError('INVALID_BASE64', 'binary record is not valid base64');
}
