import { describe, expect, it } from 'vitest';
import { clientTextFrame, readServerFrame } from '../src/loadgen/raw-client.js';
import { embeddedTimestamp, isAck, isPing } from '../src/loadgen/wire.js';
import { textFrame } from '../src/servers/floor/frame.js';

describe('load generator frame classification', () => {
  it('recognises acks and pings by their first bytes', () => {
    expect(isAck(Buffer.from('4312["x"]'))).toBe(true);
    expect(isPing(Buffer.from('2'))).toBe(true);
    expect(isPing(Buffer.from('2probe'))).toBe(false);
    expect(isAck(Buffer.from('42["echo","x"]'))).toBe(false);
  });

  it('reads the send timestamp embedded in a fan-out message', () => {
    expect(embeddedTimestamp(Buffer.from('42["chat message",{"t":1234.5678,"text":"hi"}]'))).toBe(1234.5678);
    expect(embeddedTimestamp(Buffer.from('42["chat message",{"text":"hi","t":17}]'))).toBe(17);
    expect(embeddedTimestamp(Buffer.from('42["chat message","no stamp"]'))).toBeNaN();
    const two = Buffer.from('42["chat message",{"t":1}]42["chat message",{"t":2}]');
    expect(embeddedTimestamp(two, 26, two.length)).toBe(2);
    expect(embeddedTimestamp(two, 0, 10)).toBeNaN();
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

describe('raw client framing', () => {
  it('locates complete server frames by offset, or nothing while bytes are missing', () => {
    const frame = textFrame('40{"sid":"abc"}');
    const joined = Buffer.concat([frame, textFrame('x'.repeat(200))]);
    const first = readServerFrame(joined);
    expect(first).toEqual({ opcode: 1, start: 2, end: frame.length });
    expect(joined.toString('utf8', first!.start, first!.end)).toBe('40{"sid":"abc"}');
    const second = readServerFrame(joined, first!.end);
    expect(second!.end - second!.start).toBe(200);
    expect(second!.end).toBe(joined.length);
    expect(readServerFrame(joined.subarray(0, first!.end + 50), first!.end)).toBeUndefined();
    expect(readServerFrame(Buffer.from([0x81]))).toBeUndefined();
  });

  it('masks client frames with a zero key, so the payload reads as is', () => {
    expect([...clientTextFrame('40')]).toEqual([0x81, 0x82, 0, 0, 0, 0, 0x34, 0x30]);
    const medium = clientTextFrame('y'.repeat(300));
    expect(medium[1]).toBe(0x80 | 126);
    expect(medium.readUInt16BE(2)).toBe(300);
    expect(medium.subarray(8).toString()).toBe('y'.repeat(300));
  });
});
