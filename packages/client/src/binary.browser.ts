/**
 * The browser side of @parley/protocol's binary.ts, swapped in by scripts/bundle.mjs. Pages have
 * no Buffer, so the protocol's portable base64 codec was all that ran there; atob/btoa do the
 * same work in a fraction of its bytes. Input is checked as strictly as the protocol checks it.
 */
import { type BinaryData, ProtocolError } from '@parley/protocol';

/** True for any value that travels as a binary attachment rather than JSON. */
export function isBinary(value: unknown): value is BinaryData {
  return (
    value instanceof Uint8Array ||
    value instanceof ArrayBuffer ||
    ArrayBuffer.isView(value) ||
    Object.prototype.toString.call(value) === '[object ArrayBuffer]'
  );
}

/** A Uint8Array view of any binary value, without copying. */
export function toUint8Array(value: BinaryData): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  return new Uint8Array(value);
}

/** Without Buffer, the platform's bytes are plain Uint8Arrays. */
export const toPlatformBytes = toUint8Array;

export function encodeBase64(value: BinaryData): string {
  let text = '';
  for (const byte of toUint8Array(value)) text += String.fromCharCode(byte);
  return btoa(text);
}

// atob alone would also take unpadded input and whitespace
const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function decodeBase64(text: string): Uint8Array {
  if (!BASE64_PATTERN.test(text)) throw new ProtocolError('INVALID_BASE64', 'INVALID_BASE64');
  return Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
}
