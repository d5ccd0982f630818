/**
 * HTTP long-polling payloads: several packets in one body, joined by the record separator.
 */
import { ProtocolError } from '../errors.js';
import { decodeEnginePacket, type EnginePacket, encodeEnginePacketAsText } from './packet.js';

/** The ASCII record separator that joins packets in a polling body. */
export const RECORD_SEPARATOR = '\x1e';

/**
 * Joins packets into one polling body; binary packets travel as `b` + base64.
 *
 * @example encodePayload([{ type: 'message', data: 'hello' }, { type: 'ping' }]) // '4hello\x1e2'
 */
export function encodePayload(packets: readonly EnginePacket[]): string {
  let body = '';
  for (let i = 0; i < packets.length; i++) {
    if (i > 0) body += RECORD_SEPARATOR;
    body += encodeEnginePacketAsText(packets[i]);
  }
  return body;
}

/**
 * Joins already-encoded text records (see {@link encodeEnginePacketAsText}) into one body, so a
 * packet encoded once for a broadcast is not encoded again per polling client.
 */
export function joinPayload(records: readonly string[]): string {
  return records.join(RECORD_SEPARATOR);
}

/**
 * Splits a polling body into packets. Throws {@link ProtocolError} if any record is invalid
 * (an empty body, an empty record, an unknown type or bad base64): the body is rejected whole,
 * so no packet of a corrupted body is half-delivered.
 */
export function decodePayload(body: string): EnginePacket[] {
  if (body.length === 0) throw new ProtocolError('EMPTY_PACKET', 'empty payload');
  const records = body.split(RECORD_SEPARATOR);
  const packets: EnginePacket[] = new Array(records.length);
  for (let i = 0; i < records.length; i++) packets[i] = decodeEnginePacket(records[i]);
  return packets;
}
