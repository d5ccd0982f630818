import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { decodeFrame, encodeFrame } from '../src/codec.js';
import { BadMessageError } from '../src/errors.js';

describe('codec', () => {
  test('round-trips JSON values without binary', () => {
    const value = { t: 4, n: 'node', data: ['event', 1, 'two', { three: [3, null, true] }], opts: { rooms: ['a', 1] } };
    expect(decodeFrame(encodeFrame(value))).toEqual(value);
  });

  test('binary leaves travel as raw bytes and come back as Buffers, wherever they sit', () => {
    const bytes = new Uint8Array([0, 1, 2, 255]);
    const value = {
      data: ['upload', Buffer.from('hello'), { nested: [bytes, new Uint16Array([1, 2]).buffer] }],
      top: new DataView(new ArrayBuffer(3)),
    };
    const decoded = decodeFrame(encodeFrame(value)) as typeof value;
    expect(Buffer.isBuffer(decoded.data[1])).toBe(true);
    expect((decoded.data[1] as Buffer).toString()).toBe('hello');
    const nested = (decoded.data[2] as { nested: Buffer[] }).nested;
    expect([...nested[0]]).toEqual([0, 1, 2, 255]);
    expect([...nested[1]]).toEqual([1, 0, 2, 0]);
    expect([...(decoded.top as unknown as Buffer)]).toEqual([0, 0, 0]);
    // the frame carries the bytes themselves, not base64
    expect(encodeFrame(value).includes(Buffer.from('hello'))).toBe(true);
  });

  test('a binary root value and user objects that look like placeholders survive', () => {
    expect([...(decodeFrame(encodeFrame(Buffer.from([9, 8]))) as Buffer)]).toEqual([9, 8]);
    const lookalike = { _placeholder: true, num: 0, bin: Buffer.from([1]) };
    const decoded = decodeFrame(encodeFrame(lookalike)) as typeof lookalike;
    expect(decoded._placeholder).toBe(true);
    expect(decoded.num).toBe(0);
    expect([...decoded.bin]).toEqual([1]);
  });

  test('the input is not modified and objects with toJSON serialize as JSON does', () => {
    const date = new Date(0);
    const input = { when: date, bytes: Buffer.from([1]) };
    decodeFrame(encodeFrame(input));
    expect(input.bytes).toBeInstanceOf(Buffer);
    expect(decodeFrame(encodeFrame({ when: date }))).toEqual({ when: date.toJSON() });
  });

  test('a "__proto__" key holding bytes stays an own property', () => {
    const value = JSON.parse('{"__proto__": null}');
    Object.defineProperty(value, '__proto__', { value: Buffer.from([7]), enumerable: true });
    const decoded = decodeFrame(encodeFrame(value)) as Record<string, unknown>;
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(Object.hasOwn(decoded, '__proto__')).toBe(true);
  });

  test('garbage is refused with BadMessageError, never another exception', () => {
    const valid = encodeFrame({ a: [Buffer.from([1, 2, 3])] });
    const inputs = [
      Buffer.alloc(0),
      Buffer.from('hello world'),
      Buffer.from([2, 0, 0, 0, 0, 0, 0, 0, 0]),
      valid.subarray(0, valid.length - 1),
      Buffer.concat([valid, Buffer.from([0])]),
    ];
    for (const input of inputs) expect(() => decodeFrame(input)).toThrow(BadMessageError);
    // a path that does not exist in the value
    const badPath = Buffer.from(valid);
    badPath.write('"b"', badPath.indexOf('"a"', 10));
    expect(() => decodeFrame(badPath)).toThrow(BadMessageError);
  });

  test('property: any JSON value, with binary leaves sprinkled in, round-trips', () => {
    const leaf = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.uint8Array({ maxLength: 16 }).map((a) => Buffer.from(a)),
    );
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        leaf,
        fc.array(tie('node'), { maxLength: 4 }),
        fc.dictionary(fc.string(), tie('node'), { maxKeys: 4 }),
      ),
    })).node;
    fc.assert(
      fc.property(value, (v) => {
        expect(decodeFrame(encodeFrame(v))).toEqual(v);
      }),
      { numRuns: 300 },
    );
  });

  test('property: random bytes never throw anything but BadMessageError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          decodeFrame(Buffer.concat([Buffer.from([1]), Buffer.from(bytes)]));
        } catch (error) {
          expect(error).toBeInstanceOf(BadMessageError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
