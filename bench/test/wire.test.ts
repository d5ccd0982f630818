import { describe, expect, it } from 'vitest';
import { readServerFrame } from '../src/loadgen/raw-handshake.js';
import { embeddedTimestamp, isAck, isEvent, isPing } from '../src/loadgen/wire.js';
import { textFrame } from '../src/servers/floor/frame.js';

describe('load generator frame classification', () => {
  it('recognises events, acks and pings by their first bytes', () => {
    expect(isEvent(Buffer.from('42["chat message","x"]'))).toBe(true);
    expect(isAck(Buffer.from('4312["x"]'))).toBe(true);
    expect(isPing(Buffer.from('2'))).toBe(true);
    expect(isPing(Buffer.from('2probe'))).toBe(false);
    expect(isEvent(Buffer.from('40{"sid":"a"}'))).toBe(false);
  });

  it('reads the send timestamp embedded in a fan-out message', () => {
    expect(embeddedTimestamp(Buffer.from('42["chat message",{"t":1234.5678,"text":"hi"}]'))).toBe(1234.5678);
    expect(embeddedTimestamp(Buffer.from('42["chat message",{"text":"hi","t":17}]'))).toBe(17);
    expect(embeddedTimestamp(Buffer.from('42["chat message","no stamp"]'))).toBeNaN();
  });
});

describe('floor server text frames', () => {
  it('uses the 7-bit, 16-bit and 64-bit length forms of RFC 6455', () => {
    const small = textFrame('42["a"]');
    expect([...small.subarray(0, 2)]).toEqual([0x81, 7]);
    expect(small.subarray(2).toString()).toBe('42["a"]');
    const medium = textFrame('x'.repeat(300));
    expect(medium[1]).toBe(126);
    expect(medium.readUInt16BE(2)).toBe(300);
    const large = textFrame('é'.repeat(40_000));
    expect(large[1]).toBe(127);
    expect(large.readBigUInt64BE(2)).toBe(80_000n);
    expect(large.length).toBe(10 + 80_000);
  });
});

describe('raw handshake client frame reader', () => {
  it('returns a complete server frame and its size, or nothing while bytes are missing', () => {
    const frame = textFrame('40{"sid":"abc"}');
    const joined = Buffer.concat([frame, textFrame('x'.repeat(200))]);
    const first = readServerFrame(joined);
    expect(first?.payload.toString()).toBe('40{"sid":"abc"}');
    expect(first?.size).toBe(frame.length);
    const second = readServerFrame(joined.subarray(first!.size));
    expect(second?.payload.length).toBe(200);
    expect(readServerFrame(joined.subarray(first!.size, first!.size + 50))).toBeUndefined();
    expect(readServerFrame(Buffer.from([0x81]))).toBeUndefined();
  });
});
