/**
 * The `parser` option: a Socket.IO packet codec with socket.io-parser's interface, such as
 * `socket.io-msgpack-parser`, used by both sides of a connection instead of the built-in one.
 *
 * @example
 * import customParser from 'socket.io-msgpack-parser';
 * const io = new Server(httpServer, { parser: customParser });
 * // client: io(url, { parser: customParser })
 */
import { encodePacket, type SocketPacket } from '@parley/protocol';

/** Encodes one packet into the Engine.IO messages that carry it, in order. */
export interface PacketEncoder {
  encode(packet: SocketPacket): (string | Uint8Array)[];
}

/**
 * Decodes one connection's messages; emits `decoded` with each complete packet and throws on
 * invalid input.
 */
export interface PacketDecoder {
  add(data: string | Uint8Array): void;
  destroy(): void;
  on(event: 'decoded', listener: (packet: SocketPacket) => void): unknown;
}

/** A parser module: `{ Encoder, Decoder }`, as `require('socket.io-msgpack-parser')`. */
export interface PacketParser {
  Encoder: new () => PacketEncoder;
  Decoder: new () => PacketDecoder;
}

/**
 * The built-in codec behind socket.io-parser's encoder interface (`io.encoder`, which official
 * adapters call). Parley's own paths recognise it and use the protocol package directly.
 */
export class BuiltInEncoder implements PacketEncoder {
  encode(packet: SocketPacket): (string | Uint8Array)[] {
    const { text, attachments } = encodePacket(packet);
    return attachments.length === 0 ? [text] : [text, ...attachments];
  }
}

export const BUILT_IN_ENCODER: PacketEncoder = new BuiltInEncoder();
