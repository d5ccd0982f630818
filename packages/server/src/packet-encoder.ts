/**
 * The server's packet encoder as an object with socket.io-parser's `Encoder` shape
 * (`encode(packet)` -> Engine.IO messages). socket.io-adapter's `Adapter` reads
 * `nsp.server.encoder` in its constructor and encodes each broadcast once with it.
 */
import { encodePacket, type SocketPacket } from '@parley/protocol';
import type { PacketEncoder } from './adapter-types.js';

class DefaultPacketEncoder implements PacketEncoder {
  encode(packet: SocketPacket): (string | Uint8Array)[] {
    const { text, attachments } = encodePacket(packet);
    return attachments.length === 0 ? [text] : [text, ...attachments];
  }
}

/** Stateless, so one instance serves every server. */
export const defaultPacketEncoder: PacketEncoder = new DefaultPacketEncoder();
