/**
 * The Engine.IO v3 codec (socket.io-client 2.x): exact bytes for known exchanges (as the
 * official server writes them), round trips, and malformed input.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeV3Packet,
  decodeV3Payload,
  type EnginePacket,
  encodeV3BinaryFrame,
  encodeV3BinaryPayload,
  encodeV3PacketAsText,
  encodeV3TextPayload,
  ProtocolError,
} from '../src/index.js';

const bytes = (...values: number[]) => new Uint8Array(values);

describe('Engine.IO v3 packets', () => {
  it('keeps the type of a binary packet: b + digit + base64 as text, a type byte as a frame', () => {
    expect(encodeV3PacketAsText({ type: 'message', data: bytes(1, 2, 3) })).toBe('b4AQID');
    expect(encodeV3PacketAsText({ type: 'message', data: 'hello' })).toBe('4hello');
    expect(encodeV3PacketAsText({ type: 'pong' })).toBe('3');
    expect([...encodeV3BinaryFrame({ type: 'message', data: bytes(9, 8) })]).toEqual([4, 9, 8]);
    expect(decodeV3Packet('b4AQID')).toEqual({ type: 'message', data: Buffer.from([1, 2, 3]) });
    expect(decodeV3Packet(bytes(4, 7))).toEqual({ type: 'message', data: Buffer.from([7]) });
    expect(decodeV3Packet('2probe')).toEqual({ type: 'ping', data: 'probe' });
  });

  it('refuses what is not a packet', () => {
    for (const frame of ['', '9', 'x', 'b9AA==', 'b4$$$$', bytes(), bytes(12, 1)]) {
      expect(() => decodeV3Packet(frame)).toThrow(ProtocolError);
    }
  });
});

describe('Engine.IO v3 payloads', () => {
  it('prefixes text records with their length in UTF-16 units', () => {
    expect(encodeV3TextPayload(['4hello', '2'])).toBe('6:4hello1:2');
    expect(encodeV3TextPayload(['4é✓😀'])).toBe('5:4é✓😀');
    expect(decodeV3Payload('5:4é✓😀1:2')).toEqual([{ type: 'message', data: 'é✓😀' }, { type: 'ping' }]);
    expect(decodeV3Payload('0:1:3')).toEqual([{ type: 'pong' }]);
  });

  it('writes the binary body the official server writes', () => {
    const body = encodeV3BinaryPayload([
      { type: 'message', data: '0' },
      { type: 'message', data: 'é' },
      { type: 'message', data: bytes(1, 2, 3) },
    ]);
    // `40` (2 bytes), `4é` (3 bytes of UTF-8), then binary: 1, 4 digits, 255, type byte, data.
    expect([...body]).toEqual([0, 2, 255, 52, 48, 0, 3, 255, 52, 195, 169, 1, 4, 255, 4, 1, 2, 3]);
    expect(decodeV3Payload(body)).toEqual([
      { type: 'message', data: '0' },
      { type: 'message', data: 'é' },
      { type: 'message', data: Buffer.from([1, 2, 3]) },
    ]);
  });

  it('round-trips any packets through both body forms', () => {
    const packet: fc.Arbitrary<EnginePacket> = fc.oneof(
      fc.record({ type: fc.constantFrom('ping', 'pong', 'noop', 'close', 'upgrade' as const) }),
      fc.record({ type: fc.constant('message' as const), data: fc.string({ unit: 'grapheme', minLength: 1 }) }),
      fc.record({ type: fc.constant('message' as const), data: fc.uint8Array({ maxLength: 40 }) }),
    );
    fc.assert(
      fc.property(fc.array(packet, { minLength: 1, maxLength: 6 }), (packets) => {
        const expected = packets.map((p) =>
          p.data instanceof Uint8Array ? { type: p.type, data: Buffer.from(p.data) } : p,
        );
        expect(decodeV3Payload(encodeV3BinaryPayload(packets))).toEqual(expected);
        expect(decodeV3Payload(encodeV3TextPayload(packets.map(encodeV3PacketAsText)))).toEqual(expected);
      }),
    );
  });

  it('rejects a malformed body whole, with a ProtocolError and nothing else', () => {
    for (const body of [
      '',
      '4:4hi',
      'x:42',
      ':4',
      '2:4',
      '99999999999999999999:4',
      bytes(),
      bytes(0, 255),
      bytes(2, 1),
    ]) {
      expect(() => decodeV3Payload(body)).toThrow(ProtocolError);
    }
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.uint8Array()), (body) => {
        try {
          const packets = decodeV3Payload(body);
          for (const p of packets) expect(typeof p.type).toBe('string');
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError);
        }
      }),
    );
  });
});
