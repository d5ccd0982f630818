/**
 * Engine.IO v4 packets: one ASCII type digit followed by the data for text,
 * raw bytes (no type prefix) for binary messages on WebSocket.
 */
import { type BinaryData, decodeBase64, encodeBase64, isBinary, toPlatformBytes } from '../binary.js';
import { ProtocolError } from '../errors.js';

export const ENGINE_PACKET_TYPES = ['open', 'close', 'ping', 'pong', 'message', 'upgrade', 'noop'] as const;
export type EnginePacketType = (typeof ENGINE_PACKET_TYPES)[number];

/** A text or binary Engine.IO frame as it crosses a transport. */
export type EngineRawData = string | BinaryData;

export interface EnginePacket {
  type: EnginePacketType;
  /** Text for every type; binary only for `message`. Absent when the packet carries nothing. */
  data?: string | Uint8Array;
}

const TYPE_CODE: Record<EnginePacketType, string> = {
  open: '0',
  close: '1',
  ping: '2',
  pong: '3',
  message: '4',
  upgrade: '5',
  noop: '6',
};

/** Prefix that marks a base64-encoded binary message inside a text payload (polling, SSE). */
export const BASE64_PREFIX = 'b';

/**
 * Encodes one packet for a transport frame. Binary messages come back as bytes, to be sent
 * as a binary WebSocket frame; text-only transports use {@link encodeEnginePacketAsText}.
 *
 * @example encodeEnginePacket({ type: 'message', data: 'hello' }) // '4hello'
 */
export function encodeEnginePacket(packet: EnginePacket): string | Uint8Array {
  const { data } = packet;
  if (data !== undefined && typeof data !== 'string') {
    if (packet.type !== 'message') throw new TypeError(`${packet.type} packets cannot carry binary data`);
    return toPlatformBytes(data);
  }
  return data === undefined ? TYPE_CODE[packet.type] : TYPE_CODE[packet.type] + data;
}

/** Encodes one packet as text, binary as `b` + base64 (how polling and SSE carry bytes). */
export function encodeEnginePacketAsText(packet: EnginePacket): string {
  const encoded = encodeEnginePacket(packet);
  return typeof encoded === 'string' ? encoded : BASE64_PREFIX + encodeBase64(encoded);
}

/**
 * Decodes one frame. A binary frame is a binary `message`; a text frame starts with a type digit,
 * or with `b` for base64 binary (polling). Throws {@link ProtocolError} on anything else.
 */
export function decodeEnginePacket(frame: EngineRawData): EnginePacket {
  if (typeof frame !== 'string') {
    if (!isBinary(frame)) throw new ProtocolError('INVALID_PAYLOAD', 'frame is neither text nor binary');
    return { type: 'message', data: toPlatformBytes(frame) };
  }
  if (frame.length === 0) throw new ProtocolError('EMPTY_PACKET', 'empty packet');
  const code = frame.charCodeAt(0);
  if (code === 98 /* b */) return { type: 'message', data: decodeBase64(frame.slice(1)) };
  const index = code - 48; /* '0' */
  const type = ENGINE_PACKET_TYPES[index];
  if (type === undefined || index < 0) {
    throw new ProtocolError('UNKNOWN_PACKET_TYPE', `unknown Engine.IO packet type "${frame[0]}"`);
  }
  return frame.length > 1 ? { type, data: frame.slice(1) } : { type };
}
