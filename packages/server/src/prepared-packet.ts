/**
 * Encodes a Socket.IO packet once into Engine.IO messages ready for any number of sessions:
 * one prepared text part plus one prepared message per binary attachment.
 */
import { encodePacket, type SocketPacket } from '@parley/protocol';
import type { PreparedMessage } from './engine/contract.js';
import { prepareMessage } from './engine-binding.js';

export type PreparedPacket = readonly PreparedMessage[];

export function preparePacket(packet: SocketPacket): PreparedPacket {
  const { text, attachments } = encodePacket(packet);
  if (attachments.length === 0) return [prepareMessage(text)];
  const parts: PreparedMessage[] = [prepareMessage(text)];
  for (const attachment of attachments) parts.push(prepareMessage(attachment));
  return parts;
}
