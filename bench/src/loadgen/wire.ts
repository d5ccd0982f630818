/**
 * The few bytes of Engine.IO v4 / Socket.IO v5 the load generator recognises. Frames are
 * classified by their first bytes only; payloads are parsed just where a figure needs them.
 */
export const CHAR_0 = 0x30; // Engine.IO open / Socket.IO CONNECT
export const CHAR_2 = 0x32; // Engine.IO ping / Socket.IO EVENT
export const CHAR_3 = 0x33; // Socket.IO ACK
export const CHAR_4 = 0x34; // Engine.IO message / Socket.IO CONNECT_ERROR

export const RECORD_SEPARATOR = '\x1e';

export function webSocketUrl(host: string, port: number): string {
  return `ws://${host}:${port}/socket.io/?EIO=4&transport=websocket`;
}

export function pollingPath(sid?: string): string {
  return sid === undefined
    ? '/socket.io/?EIO=4&transport=polling'
    : `/socket.io/?EIO=4&transport=polling&sid=${encodeURIComponent(sid)}`;
}

/** A Socket.IO ACK (`43…`) frame. */
export function isAck(data: Buffer): boolean {
  return data[0] === CHAR_4 && data[1] === CHAR_3;
}

/** An Engine.IO ping (`2`), which must be answered with `3`. */
export function isPing(data: Buffer): boolean {
  return data.length === 1 && data[0] === CHAR_2;
}

const TIMESTAMP_KEY = Buffer.from('"t":');

/** The `t` field (sender's performance.now()) embedded in a fan-out message in `data[start..end)`, or NaN. */
export function embeddedTimestamp(data: Buffer, start = 0, end = data.length): number {
  const keyAt = data.indexOf(TIMESTAMP_KEY, start);
  if (keyAt === -1 || keyAt >= end) return Number.NaN;
  const numberStart = keyAt + TIMESTAMP_KEY.length;
  let numberEnd = numberStart;
  while (numberEnd < end && data[numberEnd] !== 0x2c && data[numberEnd] !== 0x7d) numberEnd++; // up to ',' or '}'
  return Number(data.toString('latin1', numberStart, numberEnd));
}
