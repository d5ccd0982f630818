import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decoder, encodePacket, PacketType, type SocketPacket } from '../src/index.js';
import { errorCode } from './support/error-code.js';

/** Decodes a text part and its attachments, returning the finished packet. */
function decode(text: string, attachments: Uint8Array[] = [], decoder = new Decoder()): SocketPacket {
  let packet = decoder.add(text);
  for (const attachment of attachments) {
    expect(packet).toBeUndefined();
    packet = decoder.add(attachment);
  }
  if (packet === undefined) throw new Error('packet incomplete');
  return packet;
}

describe('Socket.IO encoder: byte-exact examples from PROTOCOL.md', () => {
  const cases: [SocketPacket, string][] = [
    [{ type: PacketType.CONNECT, nsp: '/' }, '0'],
    [{ type: PacketType.CONNECT, nsp: '/', data: { token: '123' } }, '0{"token":"123"}'],
    [{ type: PacketType.CONNECT, nsp: '/', data: { sid: 'wZX3oN0bSVIhsaknAAAI' } }, '0{"sid":"wZX3oN0bSVIhsaknAAAI"}'],
    [{ type: PacketType.CONNECT, nsp: '/admin', data: { token: '123' } }, '0/admin,{"token":"123"}'],
    [
      { type: PacketType.CONNECT_ERROR, nsp: '/admin', data: { message: 'Not authorized', data: { code: 42 } } },
      '4/admin,{"message":"Not authorized","data":{"code":42}}',
    ],
    [
      { type: PacketType.CONNECT_ERROR, nsp: '/random', data: { message: 'Invalid namespace' } },
      '4/random,{"message":"Invalid namespace"}',
    ],
    [{ type: PacketType.EVENT, nsp: '/', data: ['hello', 'world'] }, '2["hello","world"]'],
    [{ type: PacketType.EVENT, nsp: '/admin', data: ['hello'] }, '2/admin,["hello"]'],
    [{ type: PacketType.EVENT, nsp: '/', id: 12, data: ['question', 1] }, '212["question",1]'],
    [{ type: PacketType.ACK, nsp: '/', id: 12, data: ['answer'] }, '312["answer"]'],
    [{ type: PacketType.DISCONNECT, nsp: '/' }, '1'],
    [{ type: PacketType.DISCONNECT, nsp: '/admin' }, '1/admin,'],
  ];

  it.each(cases)('encodes %j as %s', (packet, text) => {
    expect(encodePacket(packet)).toEqual({ text, attachments: [] });
  });

  it.each(cases)('decodes %j back from %s', (packet, text) => {
    expect(decode(text)).toEqual({ ...packet, data: packet.data });
  });

  it('encodes binary as BINARY_EVENT with placeholders and attachments in order', () => {
    const first = Buffer.from([1, 2]);
    const second = new Uint8Array([3]);
    const encoded = encodePacket({
      type: PacketType.EVENT,
      nsp: '/',
      data: ['upload', { file: first, nested: [second] }],
    });
    expect(encoded.text).toBe(
      '52-["upload",{"file":{"_placeholder":true,"num":0},"nested":[{"_placeholder":true,"num":1}]}]',
    );
    expect(encoded.attachments.map((a) => [...a])).toEqual([[1, 2], [3]]);
  });

  it('matches the PROTOCOL.md binary examples', () => {
    expect(encodePacket({ type: PacketType.EVENT, nsp: '/', data: ['upload', Buffer.from([1])] }).text).toBe(
      '51-["upload",{"_placeholder":true,"num":0}]',
    );
    expect(encodePacket({ type: PacketType.ACK, nsp: '/', id: 12, data: [Buffer.from([1])] }).text).toBe(
      '61-12[{"_placeholder":true,"num":0}]',
    );
  });

  it('does not mutate the data it encodes, so the caller can reuse it', () => {
    const data = ['upload', { file: Buffer.from([1]) }];
    encodePacket({ type: PacketType.EVENT, nsp: '/', data });
    expect(Buffer.isBuffer((data[1] as { file: unknown }).file)).toBe(true);
  });

  it('finds binary inside toJSON results and ArrayBuffers and typed-array views', () => {
    const viaToJSON = { toJSON: () => ({ raw: new Uint8Array([9]) }) };
    const encoded = encodePacket({
      type: PacketType.EVENT,
      nsp: '/',
      data: ['x', viaToJSON, new Uint8Array([7]).buffer, new Uint16Array([1])],
    });
    expect(encoded.attachments.map((a) => [...a])).toEqual([[9], [7], [1, 0]]);
  });
});

describe('Socket.IO decoder: reassembly', () => {
  it('reassembles a binary event from its attachments as they arrive', () => {
    const decoder = new Decoder();
    expect(decoder.add('52-["upload",[{"_placeholder":true,"num":1}],{"_placeholder":true,"num":0}]')).toBeUndefined();
    expect(decoder.awaitingAttachments).toBe(true);
    expect(decoder.add(Buffer.from([0]))).toBeUndefined();
    const packet = decoder.add(Buffer.from([1]));
    expect(packet?.type).toBe(PacketType.BINARY_EVENT);
    const [name, nested, first] = (packet?.data ?? []) as [string, Buffer[], Buffer];
    expect(name).toBe('upload');
    expect([...nested[0]]).toEqual([1]);
    expect([...first]).toEqual([0]);
    expect(decoder.awaitingAttachments).toBe(false);
  });

  it('decodes a binary ack with namespace and id', () => {
    const packet = decode('61-/admin,7[{"_placeholder":true,"num":0}]', [Buffer.from([5])]);
    expect(packet).toMatchObject({ type: PacketType.BINARY_ACK, nsp: '/admin', id: 7 });
  });

  it('accepts numeric event names', () => {
    expect(decode('2[1,"a"]').data).toEqual([1, 'a']);
  });
});

describe('Socket.IO decoder: strict validation with coded errors', () => {
  const invalid: [string, string][] = [
    ['', 'EMPTY_PACKET'],
    ['7', 'UNKNOWN_PACKET_TYPE'],
    ['a', 'UNKNOWN_PACKET_TYPE'],
    ['2{bad json', 'INVALID_JSON'],
    ['2["a",]', 'INVALID_JSON'],
    ['2', 'INVALID_PAYLOAD'],
    ['2[]', 'INVALID_PAYLOAD'],
    ['2{"a":1}', 'INVALID_PAYLOAD'],
    ['2[null]', 'INVALID_PAYLOAD'],
    ['2[{"a":1}]', 'INVALID_PAYLOAD'],
    ['2["connect"]', 'RESERVED_EVENT'],
    ['2["disconnecting"]', 'RESERVED_EVENT'],
    ['2["newListener"]', 'RESERVED_EVENT'],
    ['3["a"]', 'INVALID_ACK_ID'],
    ['31{"a":1}', 'INVALID_PAYLOAD'],
    ['312', 'INVALID_PAYLOAD'],
    ['299999999999999999["a"]', 'INVALID_ACK_ID'],
    ['0[1]', 'INVALID_PAYLOAD'],
    ['0"str"', 'INVALID_PAYLOAD'],
    ['0null', 'INVALID_PAYLOAD'],
    ['01', 'INVALID_ACK_ID'],
    ['1{}', 'INVALID_PAYLOAD'],
    ['4', 'INVALID_PAYLOAD'],
    ['4[1]', 'INVALID_PAYLOAD'],
    ['2/ad min,["a"]', 'INVALID_NAMESPACE'],
    ['2/a\u0000b,["a"]', 'INVALID_NAMESPACE'],
    ['5["a"]', 'INVALID_ATTACHMENT_COUNT'],
    ['5-["a"]', 'INVALID_ATTACHMENT_COUNT'],
    ['511-["a"]', 'TOO_MANY_ATTACHMENTS'],
    ['599999999999999999999-["a"]', 'INVALID_ATTACHMENT_COUNT'],
  ];

  it.each(invalid)('refuses %j with %s', (text, code) => {
    expect(errorCode(() => new Decoder().add(text))).toBe(code);
  });

  it('applies a configurable attachment limit', () => {
    expect(errorCode(() => new Decoder({ maxAttachments: 2 }).add('53-["a"]'))).toBe('TOO_MANY_ATTACHMENTS');
    expect(new Decoder({ maxAttachments: 20 }).add('511-["a"]')).toBeUndefined();
  });

  it('refuses placeholders that point at missing attachments or carry extra keys', () => {
    const cases = [
      '51-["a",{"_placeholder":true,"num":1}]',
      '51-["a",{"_placeholder":true,"num":-1}]',
      '51-["a",{"_placeholder":true,"num":0.5}]',
      '51-["a",{"_placeholder":true,"num":"0"}]',
      '51-["a",{"_placeholder":true}]',
      '51-["a",{"_placeholder":true,"num":0,"extra":1}]',
      '51-["a",{"_placeholder":"yes","num":0}]',
    ];
    for (const text of cases) {
      expect(errorCode(() => decode(text, [Buffer.from([1])]))).toBe('INVALID_PLACEHOLDER');
    }
  });

  it('never lets a placeholder replace a prototype', () => {
    const packet = decode(
      '51-["a",{"__proto__":{"_placeholder":true,"num":0},"constructor":{"_placeholder":true,"num":0}}]',
      [Buffer.from([1])],
    );
    const object = (packet.data as unknown[])[1] as Record<string, unknown>;
    expect(Object.getPrototypeOf(object)).toBe(Object.prototype);
    expect(Buffer.isBuffer(Object.getOwnPropertyDescriptor(object, '__proto__')?.value)).toBe(true);
    expect(Buffer.isBuffer(object.constructor)).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses an attachment nobody announced, and text while attachments are due', () => {
    expect(errorCode(() => new Decoder().add(Buffer.from([1])))).toBe('UNEXPECTED_ATTACHMENT');
    const decoder = new Decoder();
    decoder.add('51-["a",{"_placeholder":true,"num":0}]');
    expect(errorCode(() => decoder.add('2["b"]'))).toBe('UNEXPECTED_TEXT');
    // the decoder resets after an error and keeps working
    expect(decoder.add('2["c"]')?.data).toEqual(['c']);
  });

  it('refuses absurdly deep nesting with a coded error, not a stack overflow', () => {
    const deep = `${'['.repeat(5000)}{"_placeholder":true,"num":0}${']'.repeat(5000)}`;
    expect(errorCode(() => decode(`51-["a",${deep}]`, [Buffer.from([1])]))).toBe('NESTED_TOO_DEEP');
  });
});

describe('round-trip properties', () => {
  // JSON-able values with binary leaves anywhere; no `_placeholder` keys (reserved by the protocol).
  const { tree } = fc.letrec((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small' },
      fc.string(),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
      fc.boolean(),
      fc.constant(null),
      fc.uint8Array({ maxLength: 16 }).map((a) => Buffer.from(a)),
      fc.array(tie('tree'), { maxLength: 4 }),
      fc.dictionary(
        fc.string().filter((key) => key !== '_placeholder'),
        tie('tree'),
        { maxKeys: 4 },
      ),
    ),
  }));

  it('decode(encode(packet)) equals packet for arbitrary events and acks', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(PacketType.EVENT, PacketType.ACK),
        fc.constantFrom('/', '/admin', '/a/b-c_d'),
        fc.option(fc.nat(), { nil: undefined }),
        fc.string().filter((name) => name !== 'connect' && name !== 'connect_error' && name !== 'disconnect'),
        fc.array(tree, { maxLength: 5 }),
        (type, nsp, maybeId, name, args) => {
          const id = type === PacketType.ACK ? (maybeId ?? 0) : maybeId;
          const data = type === PacketType.EVENT ? [name, ...args] : args;
          const packet: SocketPacket = { type, nsp, data };
          if (id !== undefined) packet.id = id;
          const encoded = encodePacket(packet);
          const decoded = decode(
            encoded.text,
            encoded.attachments.map((a) => Buffer.from(a)),
            new Decoder({ maxAttachments: 1000 }),
          );
          const expectedType =
            encoded.attachments.length > 0
              ? type === PacketType.EVENT
                ? PacketType.BINARY_EVENT
                : PacketType.BINARY_ACK
              : type;
          expect(decoded.type).toBe(expectedType);
          expect(decoded.nsp).toBe(nsp);
          expect(decoded.id).toBe(id);
          expect(decoded.data).toEqual(JSON.parse(JSON.stringify(data, bufferAsArray), restoreBuffers));
        },
      ),
      { numRuns: 300 },
    );
  });
});

// Compare Buffers by content: JSON round-trip both sides with Buffers tagged.
function bufferAsArray(this: unknown, _key: string, value: unknown) {
  if (value && typeof value === 'object' && (value as { type?: string }).type === 'Buffer') {
    return { __bytes: (value as { data: number[] }).data };
  }
  return value;
}
function restoreBuffers(_key: string, value: unknown) {
  if (value && typeof value === 'object' && '__bytes' in (value as object)) {
    return Buffer.from((value as { __bytes: number[] }).__bytes);
  }
  return value;
}
