/**
 * The request query parser: its hand-split fast path must agree with URLSearchParams (first
 * value wins) on every query, encoded or not.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseQuery } from '../../src/engine/request.js';

function reference(url: string): Record<string, string> {
  const query: Record<string, string> = Object.create(null);
  const start = url.indexOf('?');
  if (start === -1) return query;
  for (const [key, value] of new URLSearchParams(url.slice(start + 1))) query[key] = value;
  return query;
}

describe('parseQuery', () => {
  it('reads engine queries', () => {
    expect({ ...parseQuery('/socket.io/?EIO=4&transport=polling&sid=abc-_1&t=x') }).toEqual({
      EIO: '4',
      transport: 'polling',
      sid: 'abc-_1',
      t: 'x',
    });
    expect({ ...parseQuery('/socket.io/?a=1&a=2&&b&=c&d=e=f') }).toEqual({ a: '2', b: '', '': 'c', d: 'e=f' });
    expect({ ...parseQuery('/socket.io/?x=%41+b') }).toEqual({ x: 'A b' });
    expect({ ...parseQuery('/socket.io/') }).toEqual({});
    expect(parseQuery('/?__proto__=1&constructor=2').constructor).toBe('2');
  });

  it('agrees with URLSearchParams on arbitrary queries', () => {
    const piece = fc.constantFrom('a', 'b', 'sid', '=', '&', '%', '%4', '%41', '+', '?', 'é', ' ', '__proto__');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (parts) => {
        const url = `/socket.io/?${parts.join('')}`;
        expect(Object.entries(parseQuery(url))).toEqual(Object.entries(reference(url)));
      }),
      { numRuns: 500 },
    );
  });
});
