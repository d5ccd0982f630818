/**
 * Engine.IO protocol revision 3, spoken by socket.io-client 2.x. Packets have the same type
 * digits as in v4; what differs is how they travel:
 *
 * - a binary packet keeps its type: as a WebSocket frame it is one type byte and the data, as
 *   text it is `b` + the type digit + base64 (`b4AQID`);
 * - a polling body is either text, each record prefixed with its length in UTF-16 code units
 *   (`6:4hello1:2`), or, when the client accepts binary and a packet is binary, a binary body
 *   in which each record is `<0 text | 1 binary><length as one byte per decimal digit><255>`
 *   followed by the record (text records as UTF-8).
 */
import { decodeBase64, encodeBase64, toPlatformBytes } from '../binary.js';
import { ProtocolError } from '../errors.js';
import { ENGINE_PACKET_TYPES, type EnginePacket, type EnginePacketType } from './packet.js';

const TYPE_DIGIT: Record<EnginePacketType, number> = {
  open: 0,
  close: 1,
  ping: 2,
  pong: 3,
  message: 4,
  upgrade: 5,
  noop: 6,
};

/** Marks a binary record in a v3 binary payload (text records are marked 0). */
const BINARY_RECORD = 1;
/** Ends the length digits of a record in a v3 binary payload. */
const LENGTH_END = 255;
/** Longer length fields are corrupt (no body that large is ever accepted). */
const MAX_LENGTH_DIGITS = 16;

// Created on first use: the package must load where these globals are missing.
let utf8Encoder: TextEncoder | undefined;
let utf8Decoder: TextDecoder | undefined;

function utf8Encode(text: string): Uint8Array {
  utf8Encoder ??= new TextEncoder();
  return utf8Encoder.encode(text);
}

function utf8Decode(bytes: Uint8Array): string {
  utf8Decoder ??= new TextDecoder();
  return utf8Decoder.decode(bytes);
}

function typeOf(code: number): EnginePacketType {
  const type = ENGINE_PACKET_TYPES[code];
  if (type === undefined || code < 0) {
    throw new ProtocolError('UNKNOWN_PACKET_TYPE', `unknown Engine.IO packet type "${code}"`);
  }
  return type;
}

/**
 * Encodes a packet as one v3 text record (a WebSocket text frame, or a record of a text
 * polling body before its length prefix); binary as `b` + type digit + base64.
 *
 * @example encodeV3PacketAsText({ type: 'message', data: new Uint8Array([1, 2, 3]) }) // 'b4AQID'
 */
export function encodeV3PacketAsText(packet: EnginePacket): string {
  const digit = TYPE_DIGIT[packet.type];
  const { data } = packet;
  if (data === undefined) return String(digit);
  if (typeof data === 'string') return digit + data;
  return `b${digit}${encodeBase64(data)}`;
}

/**
 * Encodes a binary packet as a v3 binary WebSocket frame: its type byte, then its data.
 *
 * @example encodeV3BinaryFrame({ type: 'message', data: new Uint8Array([1]) }) // Uint8Array [4, 1]
 */
export function encodeV3BinaryFrame(packet: EnginePacket & { data: Uint8Array }): Uint8Array {
  const frame = new Uint8Array(packet.data.byteLength + 1);
  frame[0] = TYPE_DIGIT[packet.type];
  frame.set(packet.data, 1);
  return toPlatformBytes(frame);
}

/**
 * Decodes one v3 packet: a WebSocket frame, or a record of a polling body. Throws
 * {@link ProtocolError} when it is not a packet.
 */
export function decodeV3Packet(frame: string | Uint8Array): EnginePacket {
  if (typeof frame !== 'string') {
    if (frame.byteLength === 0) throw new ProtocolError('EMPTY_PACKET', 'empty packet');
    return { type: typeOf(frame[0]), data: toPlatformBytes(frame.subarray(1)) };
  }
  if (frame.length === 0) throw new ProtocolError('EMPTY_PACKET', 'empty packet');
  if (frame.charCodeAt(0) === 98 /* b */) {
    return { type: typeOf(frame.charCodeAt(1) - 48), data: decodeBase64(frame.slice(2)) };
  }
  const type = typeOf(frame.charCodeAt(0) - 48);
  return frame.length > 1 ? { type, data: frame.slice(1) } : { type };
}

/**
 * Joins text records (see {@link encodeV3PacketAsText}) into a v3 text polling body.
 *
 * @example encodeV3TextPayload(['4hello', '2']) // '6:4hello1:2'
 */
export function encodeV3TextPayload(records: readonly string[]): string {
  if (records.length === 0) return '0:';
  let body = '';
  for (const record of records) body += `${record.length}:${record}`;
  return body;
}

/** True if any packet carries bytes (a client that accepts binary then gets a binary body). */
export function hasBinaryPacket(packets: readonly EnginePacket[]): boolean {
  for (const packet of packets) if (packet.data !== undefined && typeof packet.data !== 'string') return true;
  return false;
}

/** Encodes packets as a v3 binary polling body. */
export function encodeV3BinaryPayload(packets: readonly EnginePacket[]): Uint8Array {
  const parts: Uint8Array[] = [];
  let size = 0;
  for (const packet of packets) {
    const binary = packet.data !== undefined && typeof packet.data !== 'string';
    const record = binary
      ? encodeV3BinaryFrame(packet as EnginePacket & { data: Uint8Array })
      : utf8Encode(encodeV3PacketAsText(packet));
    const digits = String(record.byteLength);
    const header = new Uint8Array(digits.length + 2);
    header[0] = binary ? BINARY_RECORD : 0;
    for (let i = 0; i < digits.length; i++) header[i + 1] = digits.charCodeAt(i) - 48;
    header[header.length - 1] = LENGTH_END;
    parts.push(header, record);
    size += header.byteLength + record.byteLength;
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    body.set(part, offset);
    offset += part.byteLength;
  }
  return toPlatformBytes(body);
}

/**
 * Splits a v3 polling body (text or binary) into packets. Throws {@link ProtocolError} if the
 * body is malformed anywhere: it is rejected whole, no packet of it is delivered.
 */
export function decodeV3Payload(body: string | Uint8Array): EnginePacket[] {
  return typeof body === 'string' ? decodeTextPayload(body) : decodeBinaryPayload(body);
}

function invalidPayload(detail: string): ProtocolError {
  return new ProtocolError('INVALID_PAYLOAD', `invalid Engine.IO v3 payload: ${detail}`);
}

function decodeTextPayload(body: string): EnginePacket[] {
  if (body.length === 0) throw new ProtocolError('EMPTY_PACKET', 'empty payload');
  const packets: EnginePacket[] = [];
  let offset = 0;
  while (offset < body.length) {
    const colon = body.indexOf(':', offset);
    if (colon === -1 || colon === offset || colon - offset > MAX_LENGTH_DIGITS) throw invalidPayload('bad length');
    const lengthText = body.slice(offset, colon);
    if (!/^\d+$/.test(lengthText)) throw invalidPayload('bad length');
    const length = Number(lengthText);
    const end = colon + 1 + length;
    if (end > body.length) throw invalidPayload('record shorter than its length');
    // A zero-length record is allowed and carries nothing.
    if (length > 0) packets.push(decodeV3Packet(body.slice(colon + 1, end)));
    offset = end;
  }
  return packets;
}

function decodeBinaryPayload(body: Uint8Array): EnginePacket[] {
  if (body.byteLength === 0) throw new ProtocolError('EMPTY_PACKET', 'empty payload');
  const packets: EnginePacket[] = [];
  let offset = 0;
  while (offset < body.byteLength) {
    const kind = body[offset];
    if (kind !== 0 && kind !== BINARY_RECORD) throw invalidPayload('bad record marker');
    let length = 0;
    let i = offset + 1;
    for (; i < body.byteLength && body[i] !== LENGTH_END; i++) {
      if (body[i] > 9 || i - offset > MAX_LENGTH_DIGITS) throw invalidPayload('bad length');
      length = length * 10 + body[i];
    }
    if (i === offset + 1 || i >= body.byteLength) throw invalidPayload('bad length');
    const start = i + 1;
    const end = start + length;
    if (end > body.byteLength) throw invalidPayload('record shorter than its length');
    const record = body.subarray(start, end);
    packets.push(decodeV3Packet(kind === BINARY_RECORD ? record : utf8Decode(record)));
    offset = end;
  }
  return packets;
}
