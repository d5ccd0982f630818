/**
 * Outbound packets. Each caches its encodings on first use (the text record for polling and
 * SSE, the WebSocket payload and the complete WebSocket frame), so one packet queued on many
 * sessions is encoded once per form, whatever the number of recipients.
 */
import {
  ENGINE_PACKET_TYPES,
  type EnginePacketType,
  encodeEnginePacket,
  encodeEnginePacketAsText,
  isBinary,
  toPlatformBytes,
} from '@parley/protocol';
import type { PreparedMessage } from './contract.js';
import { buildBinaryFrame, buildPacketTextFrame } from './frame.js';

/** Each packet type's digit as a byte (`'0'` is 0x30), for frames written without the text. */
const TYPE_BYTE = Object.fromEntries(ENGINE_PACKET_TYPES.map((type, index) => [type, 0x30 + index])) as Record<
  EnginePacketType,
  number
>;

export class OutboundPacket implements PreparedMessage {
  readonly type: EnginePacketType;
  readonly data: string | Uint8Array;
  #text: string | undefined;
  #frame: Buffer | undefined;

  constructor(type: EnginePacketType, data: string | Uint8Array = '') {
    this.type = type;
    this.data = typeof data === 'string' ? data : (toPlatformBytes(data) as Buffer);
  }

  get binary(): boolean {
    return typeof this.data !== 'string';
  }

  /** The packet as one record of a polling or SSE body (`4hello`, `bAQID`). */
  textRecord(): string {
    this.#text ??= encodeEnginePacketAsText({ type: this.type, data: this.data });
    return this.#text;
  }

  /** The packet as `ws.send()` takes it: the text packet, or the raw bytes of a binary one. */
  webSocketPayload(): string | Buffer {
    if (typeof this.data !== 'string') return this.data as Buffer;
    this.#text ??= encodeEnginePacket({ type: this.type, data: this.data }) as string;
    return this.#text;
  }

  /** The complete unmasked WebSocket frame (only valid without permessage-deflate). */
  webSocketFrame(): Buffer {
    if (this.#frame === undefined) {
      const data = this.data;
      this.#frame =
        typeof data === 'string' ? buildPacketTextFrame(TYPE_BYTE[this.type], data) : buildBinaryFrame(data);
    }
    return this.#frame;
  }
}

/**
 * Encodes a message once for any number of sessions: pass the result to `socket.sendPrepared()`
 * of each. The WebSocket frame and the polling record are built on first use and then reused.
 *
 * @example
 * const message = prepareMessage('hello everyone');
 * for (const socket of Object.values(server.clients)) socket.sendPrepared(message);
 */
export function prepareMessage(data: string | Uint8Array): PreparedMessage {
  if (typeof data !== 'string' && !isBinary(data)) throw new TypeError('a message is a string or binary data');
  return new OutboundPacket('message', data);
}

/** A packet object for `message`, reusing it when it already is one of ours. */
export function toOutbound(message: PreparedMessage): OutboundPacket {
  return message instanceof OutboundPacket ? message : new OutboundPacket('message', message.data);
}

/** Shared control packets: their encodings are built once per process. */
export const PING = new OutboundPacket('ping');
/** The answer to an Engine.IO v3 client's ping. */
export const PONG = new OutboundPacket('pong');
export const NOOP = new OutboundPacket('noop');
export const CLOSE = new OutboundPacket('close');
export const PONG_PROBE = new OutboundPacket('pong', 'probe');

/** A packet as engine.io's `packetCreate` and `flush` events show it to applications. */
export interface PublicPacket {
  type: EnginePacketType;
  options: { compress: boolean };
  data?: string | Uint8Array;
}

/** Keyed as engine.io's: no `data` key for a packet without data (ping, an empty message). */
export function publicPacket(packet: OutboundPacket, compress: boolean): PublicPacket {
  const shown: PublicPacket = { type: packet.type, options: { compress } };
  if (packet.data.length > 0) shown.data = packet.data;
  return shown;
}
