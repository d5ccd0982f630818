/**
 * The bound on what a session holds for a peer that does not read. A client that stops reading
 * (a frozen tab, a dead network path the kernel has not noticed yet) leaves every broadcast
 * queued for it; unbounded, one such client can take the process's memory. Past
 * `maxBufferedBytes` the session is closed with {@link SEND_BUFFER_FULL} and its queue freed.
 *
 * Only a peer that is behind trips it: the bound is checked when the transport cannot take
 * packets now (its socket buffer is full, or a polling client has no GET waiting) and more than
 * one packet is queued, so a single large message, or a burst the transport is about to take
 * in one write, never closes a healthy session.
 */
import type { OutboundPacket } from './packet.js';

/** The close reason of a session whose peer fell more than `maxBufferedBytes` behind. */
export const SEND_BUFFER_FULL = 'send buffer full';

/** Default `maxBufferedBytes`: 4 MiB. */
export const DEFAULT_MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/**
 * What a queued packet counts for: its payload's length (UTF-16 units for text, which is its
 * size in bytes for ASCII; bytes for binary), plus one for the type. Cheap by design: it is
 * computed for every packet queued.
 */
export function queuedSize(packet: OutboundPacket): number {
  const data = packet.data;
  return 1 + (typeof data === 'string' ? data.length : data.byteLength);
}

/** The total {@link queuedSize} of `packets[start..end)`. */
export function queuedSizeOf(packets: readonly OutboundPacket[], start: number, end: number): number {
  let total = 0;
  for (let i = start; i < end; i++) total += queuedSize(packets[i]);
  return total;
}
