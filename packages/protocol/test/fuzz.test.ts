import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decoder, decodePayload, encodePacket, PacketType, ProtocolError, RESERVED_EVENTS } from '../src/index.js';

// Valid packets to mutate: mutations near valid input reach deeper parser states than noise.
const seeds = [
  '0',
  '0{"token":"123"}',
  '0/admin,{"token":"123"}',
  '1/admin,',
  '2["hello","world"]',
  '212["question",1]',
  '312["answer"]',
  '4/admin,{"message":"Not authorized","data":{"code":42}}',
  '51-["upload",{"_placeholder":true,"num":0}]',
  '62-/x,3[{"_placeholder":true,"num":1},{"_placeholder":true,"num":0}]',
];

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.string({ maxLength: 4 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 4 }) }),
  fc.record({
    kind: fc.constant('replace' as const),
    at: fc.nat(),
    text: fc.constantFrom('-', ',', '/', '{', '[', '"', '_placeholder', 'num', '9', '__proto__', '\u0000', '1e9'),
  }),
);

function mutate(seed: string, mutations: fc.Arbitrary<unknown>[] | unknown[]): string {
  let text = seed;
  for (const m of mutations as { kind: string; at: number; text?: string; length?: number }[]) {
    const at = text.length === 0 ? 0 : m.at % (text.length + 1);
    if (m.kind === 'insert') text = text.slice(0, at) + m.text + text.slice(at);
    else if (m.kind === 'delete') text = text.slice(0, at) + text.slice(at + (m.length ?? 1));
    else text = text.slice(0, at) + m.text + text.slice(at + 1);
  }
  return text;
}

/** Feeds chunks to a decoder; every outcome must be a valid packet, "pending", or a ProtocolError. */
function feed(decoder: Decoder, chunks: (string | Uint8Array)[]): void {
  for (const chunk of chunks) {
    try {
      const packet = decoder.add(chunk);
      if (packet !== undefined) assertValid(packet);
    } catch (error) {
      expect(error).toBeInstanceOf(ProtocolError);
    }
  }
}

function assertValid(packet: ReturnType<Decoder['add']> & object): void {
  expect(packet.type).toBeGreaterThanOrEqual(0);
  expect(packet.type).toBeLessThanOrEqual(6);
  expect(packet.nsp.startsWith('/')).toBe(true);
  if (packet.id !== undefined) expect(Number.isSafeInteger(packet.id) && packet.id >= 0).toBe(true);
  if (packet.type === PacketType.EVENT || packet.type === PacketType.BINARY_EVENT) {
    const [name] = packet.data as unknown[];
    expect(typeof name === 'number' || (typeof name === 'string' && !RESERVED_EVENTS.has(name))).toBe(true);
  }
  if (packet.type === PacketType.ACK || packet.type === PacketType.BINARY_ACK) {
    expect(Array.isArray(packet.data)).toBe(true);
  }
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}

describe('decoder fuzzing', () => {
  it('turns mutated valid packets into valid packets or ProtocolErrors only', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        fc.array(fc.uint8Array({ maxLength: 4 }), { maxLength: 3 }),
        (seed, mutations, attachments) => {
          feed(new Decoder(), [mutate(seed, mutations), ...attachments.map((a) => Buffer.from(a))]);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('survives random text and binary interleavings on one decoder', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string({ maxLength: 40 }), fc.uint8Array({ maxLength: 8 })), { maxLength: 10 }),
        (chunks) => feed(new Decoder(), chunks),
      ),
      { numRuns: 2000 },
    );
  });

  it('decodes random polling bodies into packets or ProtocolErrors only', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (body) => {
        try {
          for (const packet of decodePayload(body)) {
            expect(['open', 'close', 'ping', 'pong', 'message', 'upgrade', 'noop']).toContain(packet.type);
          }
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps working after any error: a valid packet always decodes next', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string({ maxLength: 20 }), fc.uint8Array({ maxLength: 4 })), { maxLength: 5 }),
        (junk) => {
          const decoder = new Decoder();
          feed(decoder, junk);
          decoder.reset();
          const { text } = encodePacket({ type: PacketType.EVENT, nsp: '/', data: ['ok', 1] });
          expect(decoder.add(text)?.data).toEqual(['ok', 1]);
        },
      ),
      { numRuns: 500 },
    );
  });
});
