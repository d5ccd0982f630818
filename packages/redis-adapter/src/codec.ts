/**
 * The binary-safe frame every cluster message travels in. Binary leaves (Buffer, ArrayBuffer,
 * typed arrays) are cut out of the value and appended as raw bytes, with the JSON path of each
 * one, so a payload of mostly bytes costs no base64 and no placeholder can collide with user data.
 *
 * Frame: u8 version | u32 json length | json | u32 paths length | paths json | (u32 length | bytes)*
 * where `paths` is an array of key paths, one per attachment, in attachment order.
 */
import { isBinary, toUint8Array } from '@parley/protocol';
import { BadMessageError } from './errors.js';

const VERSION = 1;
const HEADER = 1 + 4;

type PathKey = string | number;
interface Found {
  paths: PathKey[][];
  bytes: Uint8Array[];
}

/** Encodes any JSON-able value whose leaves may be binary. Throws what JSON.stringify throws. */
export function encodeFrame(value: unknown): Buffer {
  const found: Found = { paths: [], bytes: [] };
  const stripped = strip(value, [], found);
  const json = Buffer.from(JSON.stringify(stripped) ?? 'null', 'utf8');
  const paths = found.paths.length === 0 ? EMPTY : Buffer.from(JSON.stringify(found.paths), 'utf8');
  let size = HEADER + json.length + 4 + paths.length;
  for (const bytes of found.bytes) size += 4 + bytes.byteLength;
  const frame = Buffer.allocUnsafe(size);
  frame[0] = VERSION;
  frame.writeUInt32BE(json.length, 1);
  let offset = HEADER;
  offset += json.copy(frame, offset);
  frame.writeUInt32BE(paths.length, offset);
  offset += 4;
  offset += paths.copy(frame, offset);
  for (const bytes of found.bytes) {
    frame.writeUInt32BE(bytes.byteLength, offset);
    offset += 4;
    frame.set(bytes, offset);
    offset += bytes.byteLength;
  }
  return frame;
}

/** Decodes a frame; binary leaves come back as Buffers. Throws BadMessageError on any defect. */
export function decodeFrame(input: Uint8Array): unknown {
  const frame = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (frame.length < HEADER + 4 || frame[0] !== VERSION) throw new BadMessageError('unknown frame version');
  const jsonEnd = HEADER + frame.readUInt32BE(1);
  if (jsonEnd + 4 > frame.length) throw new BadMessageError('truncated frame');
  const pathsEnd = jsonEnd + 4 + frame.readUInt32BE(jsonEnd);
  if (pathsEnd > frame.length) throw new BadMessageError('truncated frame');
  let value = parse(frame.toString('utf8', HEADER, jsonEnd));
  if (pathsEnd === jsonEnd + 4) {
    if (pathsEnd !== frame.length) throw new BadMessageError('trailing bytes');
    return value;
  }
  const paths = parse(frame.toString('utf8', jsonEnd + 4, pathsEnd));
  if (!Array.isArray(paths)) throw new BadMessageError('bad attachment paths');
  let offset = pathsEnd;
  for (const path of paths) {
    if (offset + 4 > frame.length) throw new BadMessageError('missing attachment');
    const end = offset + 4 + frame.readUInt32BE(offset);
    if (end > frame.length) throw new BadMessageError('truncated attachment');
    // A copy, so a retained attachment does not pin the whole frame in memory.
    value = insert(value, path, Buffer.from(frame.subarray(offset + 4, end)));
    offset = end;
  }
  if (offset !== frame.length) throw new BadMessageError('trailing bytes');
  return value;
}

const EMPTY = Buffer.alloc(0);

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BadMessageError('invalid JSON', { cause: error });
  }
}

// Returns the value with binary leaves replaced by null, copying only the containers on the way
// to a binary leaf (a payload without bytes is returned as is).
function strip(value: unknown, path: PathKey[], found: Found): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (isBinary(value)) {
    found.paths.push(path.slice());
    found.bytes.push(toUint8Array(value));
    return null;
  }
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      const item = strip(value[i], path, found);
      path.pop();
      if (item !== value[i]) {
        copy ??= value.slice();
        copy[i] = item;
      }
    }
    return copy ?? value;
  }
  // Objects that serialize themselves (Date, ...) are left to JSON.stringify.
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return value;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const original = (value as Record<string, unknown>)[key];
    path.push(key);
    const item = strip(original, path, found);
    path.pop();
    if (item !== original) {
      copy ??= { ...(value as Record<string, unknown>) };
      copy[key] = item;
    }
  }
  return copy ?? value;
}

function insert(root: unknown, path: unknown, bytes: Buffer): unknown {
  if (!Array.isArray(path)) throw new BadMessageError('bad attachment path');
  if (path.length === 0) return bytes;
  let parent = root;
  for (let i = 0; i < path.length - 1; i++) parent = child(parent, path[i]);
  const key = path[path.length - 1];
  child(parent, key); // validates the key and the container
  // defineProperty: a "__proto__" key must stay a plain property, never reach the prototype.
  Object.defineProperty(parent, key as PathKey, { value: bytes, writable: true, enumerable: true, configurable: true });
  return root;
}

function child(container: unknown, key: unknown): unknown {
  if (Array.isArray(container)) {
    if (typeof key !== 'number' || !Number.isInteger(key) || key < 0 || key >= container.length) {
      throw new BadMessageError('bad attachment path');
    }
    return container[key];
  }
  if (
    container === null ||
    typeof container !== 'object' ||
    typeof key !== 'string' ||
    !Object.hasOwn(container, key)
  ) {
    throw new BadMessageError('bad attachment path');
  }
  return (container as Record<string, unknown>)[key];
}
