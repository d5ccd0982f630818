/**
 * The text payload of a polling response or an SSE event: packets' text records joined by
 * `\x1e`, up to a bound. Without one, a large enough queue (a client that stopped polling while
 * broadcasts piled up) would build a string past V8's limit, the join would throw, and the GET
 * would never be answered; with it, what does not fit goes with the next response.
 */
import { RECORD_SEPARATOR } from '@parley/protocol';
import type { OutboundPacket } from '../packet.js';

/**
 * Most UTF-16 code units of one payload (about 1 MB of ASCII). A single packet larger than this
 * still goes, alone.
 */
export const MAX_PAYLOAD_UNITS = 1 << 20;

export interface TextPayload {
  payload: string;
  /** Index after the last packet included. */
  end: number;
}

/** Joins the records of `packets` from `start`: at least one packet, then as many as fit the bound. */
export function joinTextRecords(
  packets: readonly OutboundPacket[],
  start: number,
  maxUnits = MAX_PAYLOAD_UNITS,
): TextPayload {
  let payload = packets[start].textRecord();
  let end = start + 1;
  for (; end < packets.length; end++) {
    const record = packets[end].textRecord();
    if (payload.length + 1 + record.length > maxUnits) break;
    payload += RECORD_SEPARATOR + record;
  }
  return { payload, end };
}
