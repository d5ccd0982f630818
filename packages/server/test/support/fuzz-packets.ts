/**
 * Seeded generators of hostile Engine.IO/Socket.IO input for live fuzzing: valid packets mutated
 * (they reach deep parser states), structural bombs (nesting, huge counts and ids) and noise.
 * Deterministic from a seed, so a failure can be replayed with FUZZ_SEED.
 */

/** mulberry32: small, fast, good enough to drive a fuzzer. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FuzzInput {
  readonly #random: () => number;

  constructor(seed: number) {
    this.#random = prng(seed);
  }

  int(max: number): number {
    return Math.floor(this.#random() * max);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  chance(p: number): boolean {
    return this.#random() < p;
  }

  /** One Engine.IO packet as text: mostly mutated valid packets, some bombs, some noise. */
  textPacket(): string {
    const roll = this.#random();
    if (roll < 0.6) return this.#mutate(this.pick(SEEDS));
    if (roll < 0.8) return this.pick(BOMBS)(this);
    return this.noise(this.int(64));
  }

  /** A polling/SSE POST body: one to a few packets joined by the record separator. */
  payload(): string {
    const count = 1 + this.int(4);
    const parts = Array.from({ length: count }, () => this.textPacket());
    return this.chance(0.1) ? this.#mutate(parts.join('\x1e')) : parts.join('\x1e');
  }

  /** A binary WebSocket frame (an attachment, or bytes where none is due). */
  binary(): Buffer {
    const bytes = Buffer.alloc(this.int(32));
    for (let i = 0; i < bytes.length; i++) bytes[i] = this.int(256);
    return bytes;
  }

  noise(length: number): string {
    let text = '';
    for (let i = 0; i < length; i++) {
      text += this.chance(0.7) ? String.fromCharCode(32 + this.int(95)) : String.fromCharCode(this.int(0xffff));
    }
    return text;
  }

  #mutate(seed: string): string {
    let text = seed;
    const rounds = 1 + this.int(3);
    for (let r = 0; r < rounds; r++) {
      const at = this.int(text.length + 1);
      switch (this.int(5)) {
        case 0:
          text = text.slice(0, at) + this.pick(TOKENS) + text.slice(at);
          break;
        case 1:
          text = text.slice(0, at) + text.slice(at + 1 + this.int(4));
          break;
        case 2:
          text = text.slice(0, at) + this.pick(TOKENS) + text.slice(at + 1);
          break;
        case 3:
          text = text.slice(0, at);
          break;
        default:
          text = text.slice(0, at) + text.slice(at, at + this.int(8)).repeat(1 + this.int(4)) + text.slice(at);
      }
    }
    return text;
  }
}

/** Valid Engine.IO packets carrying Socket.IO packets; mutations start from these. */
const SEEDS = [
  '40',
  '40{"token":"123"}',
  '40/admin,{"token":"123"}',
  '41',
  '41/admin,',
  '42["echo","hello"]',
  '421["echo",{"a":[1,2,{"b":null}]}]',
  '421["slow",1]',
  '42["disconnect"]',
  '431["answer"]',
  '451-["echo",{"_placeholder":true,"num":0}]',
  '462-/admin,3[{"_placeholder":true,"num":1},{"_placeholder":true,"num":0}]',
  '44{"message":"x"}',
  '2',
  '3',
  '2probe',
  '5',
  '6',
  '1',
  'bAQID',
  '42["echo",{"__proto__":{"polluted":true}}]',
];

const TOKENS = [
  '-',
  ',',
  '/',
  '{',
  '}',
  '[',
  ']',
  '"',
  '\\',
  '_placeholder',
  '"num":',
  '9',
  '99999999999999999999',
  '-1',
  '1e308',
  '__proto__',
  'constructor',
  '\u0000',
  '\x1e',
  '\ud800',
  'null',
  'true',
  '4',
  'b',
];

/** `levels` of one JSON container inside another, closed properly so that it parses. */
function nested(levels: number, open: string, close: string, inner = '1'): string {
  return open.repeat(levels) + inner + close.repeat(levels);
}

const BOMBS: ((input: FuzzInput) => string)[] = [
  (input) => `421["${input.pick(['echo', 'slow'])}",${nested(200 + input.int(100_000), '[', ']')}]`,
  (input) => `421["${input.pick(['echo', 'slow'])}",${nested(200 + input.int(20_000), '{"a":', '}')}]`,
  (input) => `42["echo",${'['.repeat(200 + input.int(20_000))}]`,
  (input) => `45${input.int(1_000_000)}-["echo",{"_placeholder":true,"num":${input.int(20)}}]`,
  (input) => `42${'9'.repeat(1 + input.int(40))}["echo"]`,
  (input) => `40/${'a'.repeat(input.int(2_000))},{}`,
  (input) => `42["${'x'.repeat(input.int(50_000))}"]`,
  (input) => `42[${'1,'.repeat(input.int(20_000))}1]`,
  (input) => `42["echo","${'\\"'.repeat(input.int(5_000))}"]`,
  (input) => `b${input.noise(input.int(100))}`,
];
