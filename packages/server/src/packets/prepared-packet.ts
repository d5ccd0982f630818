/**
 * Encodes a Socket.IO packet once into Engine.IO messages ready for any number of sessions:
 * one prepared text part plus one prepared message per binary attachment.
 */
import { encodePacket, type SocketPacket } from '@parley/protocol';
import type { PreparedMessage } from '../engine/contract.js';
import { prepareMessage } from '../engine-binding.js';
import { BUILT_IN_ENCODER, type PacketEncoder } from './packet-codec.js';

export type PreparedPacket = readonly PreparedMessage[];

/** Encodes with the server's encoder: the built-in codec directly, a custom parser's through its interface. */
export function preparePacket(packet: SocketPacket, encoder: PacketEncoder = BUILT_IN_ENCODER): PreparedPacket {
  if (encoder !== BUILT_IN_ENCODER) return encoder.encode(packet).map(prepareMessage);
  const { text, attachments } = encodePacket(packet);
  if (attachments.length === 0) return [prepareMessage(text)];
  const parts: PreparedMessage[] = [prepareMessage(text)];
  for (const attachment of attachments) parts.push(prepareMessage(attachment));
  return parts;
}
