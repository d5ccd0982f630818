/**
 * Socket.IO v5 decoder: a small state machine that turns a text part and the binary
 * attachments that follow it into packets, validating everything a peer controls.
 */
import { ProtocolError } from '../errors.js';
import { insertAttachments } from './binary.js';
import { MAX_NESTING_DEPTH, nestsDeeperThan } from './json-depth.js';
import { PacketType, RESERVED_EVENTS, type SocketPacket } from './packet.js';

export interface DecoderOptions {
  /** Most attachments one packet may announce (socket.io's default is 10). */
  maxAttachments?: number;
}

export const DEFAULT_MAX_ATTACHMENTS = 10;

type DecoderState = 'idle' | 'awaiting-attachments';

// Longer digit runs are not a valid ack id or attachment count anyway; this keeps
// the parser from scanning or converting unbounded digit strings.
const MAX_DIGITS = 16;

/**
 * Decodes one connection's packets. Feed it every Socket.IO frame in order; `add` returns a
 * packet when one is complete, `undefined` while attachments are still due, and throws a
 * {@link ProtocolError} for invalid input (after which the decoder is reset).
 *
 * @example
 * const decoder = new Decoder();
 * decoder.add('451-["upload",{"_placeholder":true,"num":0}]'); // undefined
 * decoder.add(bytes); // { type: 5, nsp: '/', data: ['upload', bytes] }
 */
export class Decoder {
  readonly #maxAttachments: number;
  #state: DecoderState = 'idle';
  #pending: SocketPacket | undefined;
  #expected = 0;
  #attachments: unknown[] = [];

  constructor(options: DecoderOptions = {}) {
    this.#maxAttachments = options.maxAttachments ?? DEFAULT_MAX_ATTACHMENTS;
  }

  /** Whether the decoder is in the middle of a binary packet. */
  get awaitingAttachments(): boolean {
    return this.#state === 'awaiting-attachments';
  }

  add(chunk: string | Uint8Array | ArrayBuffer): SocketPacket | undefined {
    try {
      return typeof chunk === 'string' ? this.#addText(chunk) : this.#addAttachment(chunk);
    } catch (error) {
      this.reset();
      if (error instanceof ProtocolError) throw error;
      throw new ProtocolError('INVALID_PAYLOAD', 'packet could not be decoded', { cause: error });
    }
  }

  /** Drops a half-received binary packet (e.g. when the connection closes). */
  reset(): void {
    this.#state = 'idle';
    this.#pending = undefined;
    this.#expected = 0;
    this.#attachments = [];
  }

  #addText(text: string): SocketPacket | undefined {
    if (this.#state === 'awaiting-attachments') {
      throw new ProtocolError('UNEXPECTED_TEXT', 'text packet received while binary attachments were due');
    }
    const { packet, attachments } = parseText(text, this.#maxAttachments);
    if (attachments === 0) return finishBinary(packet, []);
    if (attachments === undefined) return packet;
    this.#state = 'awaiting-attachments';
    this.#pending = packet;
    this.#expected = attachments;
    return undefined;
  }

  #addAttachment(bytes: Uint8Array | ArrayBuffer): SocketPacket | undefined {
    if (this.#state !== 'awaiting-attachments' || this.#pending === undefined) {
      throw new ProtocolError('UNEXPECTED_ATTACHMENT', 'binary data received while no attachment was due');
    }
    this.#attachments.push(bytes);
    if (this.#attachments.length < this.#expected) return undefined;
    const packet = finishBinary(this.#pending, this.#attachments);
    this.reset();
    return packet;
  }
}

function finishBinary(packet: SocketPacket, attachments: readonly unknown[]): SocketPacket {
  packet.data = insertAttachments(packet.data, attachments);
  return packet;
}

interface ParsedText {
  packet: SocketPacket;
  /** Attachments announced by a binary packet; undefined for other types. */
  attachments: number | undefined;
}

/** Parses and validates the text part of a packet. Exported for tests and tools. */
export function parseText(text: string, maxAttachments = DEFAULT_MAX_ATTACHMENTS): ParsedText {
  if (text.length === 0) throw new ProtocolError('EMPTY_PACKET', 'empty packet');
  const type = text.charCodeAt(0) - 48;
  if (!(type >= 0 && type <= 6)) {
    throw new ProtocolError('UNKNOWN_PACKET_TYPE', `unknown Socket.IO packet type "${text[0]}"`);
  }
  let i = 1;
  let attachments: number | undefined;
  if (type === PacketType.BINARY_EVENT || type === PacketType.BINARY_ACK) {
    const end = scanDigits(text, i);
    if (end === i || end - i > MAX_DIGITS || text[end] !== '-') {
      throw new ProtocolError('INVALID_ATTACHMENT_COUNT', 'binary packet without a valid attachment count');
    }
    attachments = Number(text.slice(i, end));
    if (attachments > maxAttachments) {
      throw new ProtocolError(
        'TOO_MANY_ATTACHMENTS',
        `packet announces ${attachments} attachments (limit ${maxAttachments})`,
      );
    }
    i = end + 1;
  }
  let nsp = '/';
  if (text[i] === '/') {
    const comma = text.indexOf(',', i);
    const end = comma === -1 ? text.length : comma;
    nsp = text.slice(i, end);
    i = comma === -1 ? end : end + 1;
    validateNamespace(nsp);
  }
  let id: number | undefined;
  const idEnd = scanDigits(text, i);
  if (idEnd > i) {
    if (idEnd - i > MAX_DIGITS) throw new ProtocolError('INVALID_ACK_ID', 'ack id is too long');
    id = Number(text.slice(i, idEnd));
    if (!Number.isSafeInteger(id)) throw new ProtocolError('INVALID_ACK_ID', 'ack id is not a safe integer');
    i = idEnd;
  }
  let data: unknown;
  if (i < text.length) {
    try {
      data = JSON.parse(text.slice(i));
    } catch (error) {
      throw new ProtocolError('INVALID_JSON', 'packet data is not valid JSON', { cause: error });
    }
    // The packet's own array (or object) is one level; its data may nest MAX_NESTING_DEPTH more.
    // Text too short to open and close that many levels (two characters each) is not walked.
    if (text.length - i > 2 * MAX_NESTING_DEPTH && nestsDeeperThan(data, MAX_NESTING_DEPTH + 1)) {
      throw new ProtocolError('NESTED_TOO_DEEP', `data is nested deeper than ${MAX_NESTING_DEPTH} levels`);
    }
  }
  const packet: SocketPacket = { type: type as PacketType, nsp, data };
  if (id !== undefined) packet.id = id;
  validatePacket(packet);
  return { packet, attachments };
}

function scanDigits(text: string, start: number): number {
  let i = start;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) break;
    i++;
  }
  return i;
}

function validateNamespace(nsp: string): void {
  // A namespace is a path: printable, no whitespace or control characters, bounded in length.
  if (nsp.length > 256 || !/^\/[^\s\x00-\x1f\x7f,]*$/.test(nsp)) {
    throw new ProtocolError('INVALID_NAMESPACE', 'namespace is malformed');
  }
}

function validatePacket(packet: SocketPacket): void {
  const { type, data, id } = packet;
  switch (type) {
    case PacketType.CONNECT:
      if (data !== undefined && !isPlainObject(data)) invalid('CONNECT data must be an object');
      if (id !== undefined) throw new ProtocolError('INVALID_ACK_ID', 'CONNECT packets carry no ack id');
      return;
    case PacketType.DISCONNECT:
      if (data !== undefined) invalid('DISCONNECT packets carry no data');
      if (id !== undefined) throw new ProtocolError('INVALID_ACK_ID', 'DISCONNECT packets carry no ack id');
      return;
    case PacketType.CONNECT_ERROR:
      if (typeof data !== 'string' && !isPlainObject(data)) invalid('CONNECT_ERROR data must be a string or an object');
      if (id !== undefined) throw new ProtocolError('INVALID_ACK_ID', 'CONNECT_ERROR packets carry no ack id');
      return;
    case PacketType.EVENT:
    case PacketType.BINARY_EVENT: {
      if (!Array.isArray(data) || data.length === 0) invalid('EVENT data must be a non-empty array');
      const name = (data as unknown[])[0];
      if (typeof name === 'number') return;
      if (typeof name !== 'string') invalid('event name must be a string or a number');
      if (RESERVED_EVENTS.has(name as string)) {
        throw new ProtocolError('RESERVED_EVENT', `"${name as string}" is a reserved event name`);
      }
      return;
    }
    case PacketType.ACK:
    case PacketType.BINARY_ACK:
      if (!Array.isArray(data)) invalid('ACK data must be an array');
      if (id === undefined) throw new ProtocolError('INVALID_ACK_ID', 'ACK packets need an ack id');
      return;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function invalid(message: string): never {
  throw new ProtocolError('INVALID_PAYLOAD', message);
}
