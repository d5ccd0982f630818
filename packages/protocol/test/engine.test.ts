import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64Portable, encodeBase64Portable } from '../src/base64.js';
import {
  decodeBase64,
  decodeEnginePacket,
  decodePayload,
  type EnginePacket,
  encodeBase64,
  encodeEnginePacket,
  encodeEnginePacketAsText,
  encodePayload,
  joinPayload,
  ProtocolError,
} from '../src/index.js';

const bytes = (...values: number[]) => Buffer.from(values);

describe('Engine.IO packets', () => {
  it('encodes every packet type as in the protocol', () => {
    expect(encodeEnginePacket({ type: 'open', data: '{"sid":"abc"}' })).toBe('0{"sid":"abc"}');
    expect(encodeEnginePacket({ type: 'close' })).toBe('1');
    expect(encodeEnginePacket({ type: 'ping' })).toBe('2');
    expect(encodeEnginePacket({ type: 'ping', data: 'probe' })).toBe('2probe');
    expect(encodeEnginePacket({ type: 'pong', data: 'probe' })).toBe('3probe');
    expect(encodeEnginePacket({ type: 'message', data: 'hello' })).toBe('4hello');
    expect(encodeEnginePacket({ type: 'upgrade' })).toBe('5');
    expect(encodeEnginePacket({ type: 'noop' })).toBe('6');
  });

  it('sends binary messages as raw bytes with no type prefix', () => {
    const encoded = encodeEnginePacket({ type: 'message', data: bytes(1, 2, 3, 4) });
    expect(Buffer.isBuffer(encoded)).toBe(true);
    expect([...(encoded as Uint8Array)]).toEqual([1, 2, 3, 4]);
  });

  it('refuses binary data on a packet type other than message', () => {
    expect(() => encodeEnginePacket({ type: 'ping', data: bytes(1) })).toThrow(TypeError);
  });

  it('encodes binary as b + base64 for text transports', () => {
    expect(encodeEnginePacketAsText({ type: 'message', data: bytes(1, 2, 3, 4) })).toBe('bAQIDBA==');
  });

  it('decodes text frames into typed packets', () => {
    expect(decodeEnginePacket('4hello')).toEqual({ type: 'message', data: 'hello' });
    expect(decodeEnginePacket('2')).toEqual({ type: 'ping' });
    expect(decodeEnginePacket('2probe')).toEqual({ type: 'ping', data: 'probe' });
    expect(decodeEnginePacket('6')).toEqual({ type: 'noop' });
  });

  it('decodes binary frames (Buffer, Uint8Array, ArrayBuffer) into Buffers in Node', () => {
    for (const frame of [bytes(1, 2), new Uint8Array([1, 2]), new Uint8Array([1, 2]).buffer]) {
      const packet = decodeEnginePacket(frame);
      expect(packet.type).toBe('message');
      expect(Buffer.isBuffer(packet.data)).toBe(true);
      expect([...(packet.data as Uint8Array)]).toEqual([1, 2]);
    }
  });

  it('refuses empty frames, unknown types and bad base64 with coded errors', () => {
    const codeOf = (frame: string) => {
      try {
        decodeEnginePacket(frame);
      } catch (error) {
        expect(error).toBeInstanceOf(ProtocolError);
        return (error as ProtocolError).code;
      }
      return 'no error';
    };
    expect(codeOf('')).toBe('EMPTY_PACKET');
    expect(codeOf('7')).toBe('UNKNOWN_PACKET_TYPE');
    expect(codeOf('x')).toBe('UNKNOWN_PACKET_TYPE');
    expect(codeOf('/')).toBe('UNKNOWN_PACKET_TYPE');
    expect(codeOf('b!!!!')).toBe('INVALID_BASE64');
    expect(codeOf('bAQID')).toBe('no error');
    expect(codeOf('bAQ')).toBe('INVALID_BASE64');
    expect(codeOf('bA=QI')).toBe('INVALID_BASE64');
  });
});

describe('polling payloads', () => {
  it('joins records with the record separator, binary as base64 (PROTOCOL.md example)', () => {
    const body = encodePayload([
      { type: 'message', data: 'hello' },
      { type: 'message', data: bytes(1, 2, 3, 4) },
    ]);
    expect(body).toBe('4hello\x1ebAQIDBA==');
  });

  it('joins pre-encoded records without re-encoding', () => {
    const records = [encodeEnginePacketAsText({ type: 'message', data: 'a' }), '2'];
    expect(joinPayload(records)).toBe('4a\x1e2');
  });

  it('decodes the PROTOCOL.md example', () => {
    const [text, binary] = decodePayload('4hello\x1ebAQIDBA==');
    expect(text).toEqual({ type: 'message', data: 'hello' });
    expect(binary.type).toBe('message');
    expect([...(binary.data as Uint8Array)]).toEqual([1, 2, 3, 4]);
  });

  it('rejects a body whole when any record is invalid', () => {
    expect(() => decodePayload('4ok\x1e9bad')).toThrow(ProtocolError);
    expect(() => decodePayload('4ok\x1e')).toThrow(ProtocolError);
    expect(() => decodePayload('')).toThrow(ProtocolError);
  });

  const packetArbitrary: fc.Arbitrary<EnginePacket> = fc
    .oneof(
      fc.record({
        type: fc.constantFrom('open', 'close', 'ping', 'pong', 'upgrade', 'noop', 'message' as const),
        data: fc.option(
          fc.string({ unit: 'grapheme' }).filter((s) => !s.includes('\x1e') && s.length > 0),
          {
            nil: undefined,
          },
        ),
      }),
      fc.record({ type: fc.constant('message' as const), data: fc.uint8Array().map((a) => Buffer.from(a)) }),
    )
    .map((packet) => (packet.data === undefined ? { type: packet.type } : packet));

  it('round-trips arbitrary packet lists', () => {
    fc.assert(
      fc.property(fc.array(packetArbitrary, { minLength: 1, maxLength: 8 }), (packets) => {
        const decoded = decodePayload(encodePayload(packets));
        expect(decoded.map(normalize)).toEqual(packets.map(normalize));
      }),
    );
  });
});

describe('base64', () => {
  it('round-trips arbitrary bytes and matches Node', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (data) => {
        const text = encodeBase64(data);
        expect(text).toBe(Buffer.from(data).toString('base64'));
        expect([...decodeBase64(text)]).toEqual([...data]);
      }),
    );
  });
});

function normalize(packet: EnginePacket) {
  return typeof packet.data === 'string' || packet.data === undefined
    ? packet
    : { type: packet.type, bytes: [...packet.data] };
}

describe('portable base64 (browsers, no Buffer)', () => {
  it('matches Node for arbitrary bytes and refuses malformed input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (data) => {
        const text = encodeBase64Portable(data);
        expect(text).toBe(Buffer.from(data).toString('base64'));
        expect([...decodeBase64Portable(text)]).toEqual([...data]);
      }),
    );
    for (const bad of ['A', 'AQ=', 'A===', '=AAA', 'AQ=A', 'AQI\u00e9', '@@@@']) {
      expect(() => decodeBase64Portable(bad)).toThrow(ProtocolError);
    }
  });
});
