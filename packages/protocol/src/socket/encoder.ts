/**
 * Socket.IO v5 encoder: `<type>[<attachments>-][<nsp>,][<id>][<json>]` plus binary attachments.
 */
import { extractAttachments, hasBinary } from './binary.js';
import { type EncodedPacket, PacketType, type SocketPacket } from './packet.js';

/**
 * Encodes a packet once. EVENT and ACK packets whose data holds binary anywhere become
 * BINARY_EVENT / BINARY_ACK with placeholders; the result can be sent to any number of peers.
 *
 * @example
 * encodePacket({ type: PacketType.EVENT, nsp: '/', data: ['hello', 'world'] })
 * // { text: '2["hello","world"]', attachments: [] }
 */
export function encodePacket(packet: SocketPacket): EncodedPacket {
  let { type, data } = packet;
  const attachments: Uint8Array[] = [];
  if ((type === PacketType.EVENT || type === PacketType.ACK) && hasBinary(data)) {
    type = type === PacketType.EVENT ? PacketType.BINARY_EVENT : PacketType.BINARY_ACK;
    data = extractAttachments(data, attachments);
  } else if (type === PacketType.BINARY_EVENT || type === PacketType.BINARY_ACK) {
    data = extractAttachments(data, attachments);
  }
  let text = String(type);
  if (type === PacketType.BINARY_EVENT || type === PacketType.BINARY_ACK) text += `${attachments.length}-`;
  if (packet.nsp && packet.nsp !== '/') text += `${packet.nsp},`;
  if (packet.id !== undefined) text += packet.id;
  if (data !== undefined) text += JSON.stringify(data);
  return { text, attachments };
}
