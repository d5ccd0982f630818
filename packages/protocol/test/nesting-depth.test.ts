import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decoder, MAX_NESTING_DEPTH, parseText } from '../src/index.js';
import { nestsDeeperThan } from '../src/socket/json-depth.js';
import { errorCode } from './support/error-code.js';

/** `levels` arrays inside one another around `inner`. */
function nested(levels: number, inner = '1'): string {
  return '['.repeat(levels) + inner + ']'.repeat(levels);
}

/** Depth of a parsed JSON value: 0 for a scalar, 1 for a flat array or object. */
function depthOf(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + children.reduce<number>((max, child) => Math.max(max, depthOf(child)), 0);
}

describe('nesting depth on the text path', () => {
  it(`accepts an argument nested ${MAX_NESTING_DEPTH} levels deep and refuses one level more`, () => {
    const deepest = parseText(`2["deep",${nested(MAX_NESTING_DEPTH)}]`).packet;
    expect(depthOf((deepest.data as unknown[])[1])).toBe(MAX_NESTING_DEPTH);
    expect(errorCode(() => parseText(`2["deep",${nested(MAX_NESTING_DEPTH + 1)}]`))).toBe('NESTED_TOO_DEEP');
  });

  it('refuses 100,000 levels with a coded error, quickly, and the decoder stays usable', () => {
    const decoder = new Decoder();
    const started = performance.now();
    expect(errorCode(() => decoder.add(`2["deep",${nested(100_000)}]`))).toBe('NESTED_TOO_DEEP');
    expect(performance.now() - started).toBeLessThan(1000);
    expect(decoder.add('2["next"]')).toEqual({ type: 2, nsp: '/', data: ['next'] });
  });

  it('counts objects as levels too, and acks and CONNECT data alike', () => {
    const objects = `${'{"a":'.repeat(MAX_NESTING_DEPTH + 1)}1${'}'.repeat(MAX_NESTING_DEPTH + 1)}`;
    expect(errorCode(() => parseText(`2["deep",${objects}]`))).toBe('NESTED_TOO_DEEP');
    expect(errorCode(() => parseText(`31[${nested(MAX_NESTING_DEPTH + 1)}]`))).toBe('NESTED_TOO_DEEP');
    expect(errorCode(() => parseText(`0{"a":${nested(MAX_NESTING_DEPTH + 1)}}`))).toBe('NESTED_TOO_DEEP');
  });

  it('refuses deep binary packets before any attachment is awaited', () => {
    const decoder = new Decoder();
    const frame = `51-["up",{"_placeholder":true,"num":0},${nested(MAX_NESTING_DEPTH + 1)}]`;
    expect(errorCode(() => decoder.add(frame))).toBe('NESTED_TOO_DEEP');
    expect(decoder.awaitingAttachments).toBe(false);
  });

  it('counts no levels for brackets inside strings, escaped quotes included', () => {
    const brackets = '['.repeat(5000);
    expect(parseText(`2["text",${JSON.stringify(brackets)}]`).packet.data).toEqual(['text', brackets]);
    const tricky = `\\"${'['.repeat(3000)}\\\\`;
    const value = JSON.parse(`"${tricky}"`) as string;
    expect(parseText(`2["text",${JSON.stringify(value)},${JSON.stringify(brackets)}]`).packet.data).toEqual([
      'text',
      value,
      brackets,
    ]);
  });

  it('measures depth like a full recursive count (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 12 }), fc.integer({ min: 0, max: 12 }), (value, limit) => {
        expect(nestsDeeperThan(value, limit)).toBe(depthOf(value) > limit);
      }),
      { numRuns: 500 },
    );
  });
});
