/**
 * WebSocket for Engine.IO v3 clients (`allowEIO3`): text frames are as in v4, but a binary
 * frame starts with its packet type byte (`4` for a message) in both directions.
 */
import { decodeV3Packet, type EnginePacket, encodeV3BinaryFrame } from '@parley/protocol';
import { OutboundPacket } from '../packet.js';
import { WebSocketTransport } from '../transports/websocket.js';

export class WebSocketTransportV3 extends WebSocketTransport {
  override get protocol(): 3 {
    return 3;
  }

  override send(packets: readonly OutboundPacket[], compress: boolean, onWritten?: () => void): number {
    let binary = false;
    for (const packet of packets) binary ||= packet.binary;
    return super.send(binary ? packets.map(withTypeByte) : packets, compress, onWritten);
  }

  protected override decodeFrame(data: Buffer, isBinary: boolean): EnginePacket {
    return decodeV3Packet(isBinary ? data : data.toString('utf8'));
  }
}

/** The v3 form of a binary packet: its bytes behind the type byte, sent as they are. */
function withTypeByte(packet: OutboundPacket): OutboundPacket {
  if (!packet.binary) return packet;
  return new OutboundPacket('message', encodeV3BinaryFrame({ type: packet.type, data: packet.data as Uint8Array }));
}
