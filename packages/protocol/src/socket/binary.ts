/**
 * Binary attachments: on encode, binary leaves are swapped for placeholders and collected;
 * on decode, placeholders are swapped back, refusing any that could smuggle a prototype.
 */
import { isBinary, toPlatformBytes } from '../binary.js';
import { ProtocolError } from '../errors.js';
import { MAX_NESTING_DEPTH } from './json-depth.js';

interface Placeholder {
  _placeholder: true;
  num: number;
}

/** True if a binary value sits anywhere in `value` (arrays, plain objects, `toJSON` results). */
export function hasBinary(value: unknown, depth = 0): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (isBinary(value)) return true;
  if (depth > MAX_DEPTH) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (hasBinary(value[i], depth + 1)) return true;
    return false;
  }
  const withToJSON = value as { toJSON?: () => unknown };
  if (typeof withToJSON.toJSON === 'function') return hasBinary(withToJSON.toJSON(), depth + 1);
  for (const key in value) {
    if (Object.hasOwn(value, key) && hasBinary((value as Record<string, unknown>)[key], depth + 1)) return true;
  }
  return false;
}

// Bounds recursion on both sides: deeper data is refused on decode (a stack overflow is not
// an error code) and not searched for binary on encode (JSON.stringify refuses cycles itself).
const MAX_DEPTH = MAX_NESTING_DEPTH;

/** Returns a copy of `value` with every binary leaf replaced by a placeholder, collected in order. */
export function extractAttachments(value: unknown, attachments: Uint8Array[]): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (isBinary(value)) {
    const placeholder: Placeholder = { _placeholder: true, num: attachments.length };
    attachments.push(toPlatformBytes(value));
    return placeholder;
  }
  if (Array.isArray(value)) {
    const copy = new Array(value.length);
    for (let i = 0; i < value.length; i++) copy[i] = extractAttachments(value[i], attachments);
    return copy;
  }
  const withToJSON = value as { toJSON?: () => unknown };
  if (typeof withToJSON.toJSON === 'function') return extractAttachments(withToJSON.toJSON(), attachments);
  const copy: Record<string, unknown> = {};
  for (const key in value) {
    if (Object.hasOwn(value, key)) {
      defineValue(copy, key, extractAttachments((value as Record<string, unknown>)[key], attachments));
    }
  }
  return copy;
}

/**
 * Replaces placeholders in freshly parsed JSON with their attachments, in place.
 * Every attachment must be referenced by well-formed placeholders only.
 */
export function insertAttachments(value: unknown, attachments: readonly unknown[], depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH) throw new ProtocolError('NESTED_TOO_DEEP', `data is nested deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = insertAttachments(value[i], attachments, depth + 1);
    return value;
  }
  const record = value as Record<string, unknown>;
  if (Object.hasOwn(record, '_placeholder')) return resolvePlaceholder(record, attachments);
  for (const key of Object.keys(record)) {
    const item = record[key];
    if (item !== null && typeof item === 'object') {
      // defineProperty, not assignment: assigning to "__proto__" would replace the prototype
      defineValue(record, key, insertAttachments(item, attachments, depth + 1));
    }
  }
  return record;
}

function resolvePlaceholder(record: Record<string, unknown>, attachments: readonly unknown[]): unknown {
  const keys = Object.keys(record);
  const { num } = record;
  if (
    record._placeholder !== true ||
    keys.length !== 2 ||
    !Object.hasOwn(record, 'num') ||
    typeof num !== 'number' ||
    !Number.isInteger(num) ||
    num < 0 ||
    num >= attachments.length
  ) {
    throw new ProtocolError('INVALID_PLACEHOLDER', 'binary placeholder is malformed or points at a missing attachment');
  }
  return attachments[num];
}

function defineValue(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}
