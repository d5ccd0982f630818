import { describe, expect, it } from 'vitest';
import { SharedStrings } from '../../src/engine/shared-strings.js';

describe('SharedStrings', () => {
  it('pools the values of headers that repeat, and leaves secrets and other headers alone', () => {
    const shared = new SharedStrings();
    const headers: Record<string, string | string[] | undefined> = {
      host: 'chat.example:443',
      'user-agent': 'Mozilla/5.0',
      cookie: 'session=secret',
      authorization: 'Bearer secret',
      'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
      'x-custom': 'value',
      'set-cookie': ['a=1'],
    };
    const before = { ...headers };
    shared.shareHeaders(headers);
    expect(headers).toEqual(before);
    expect(shared.size).toBe(2);
    shared.shareHeaders({ host: 'chat.example:443', 'user-agent': 'Mozilla/5.0' });
    expect(shared.size).toBe(2);
  });

  it('stays bounded: a full pool starts over, and long values are never pooled', () => {
    const shared = new SharedStrings();
    expect(shared.share('x'.repeat(513))).toBe('x'.repeat(513));
    expect(shared.size).toBe(0);
    for (let i = 0; i < 5000; i++) expect(shared.share(`value ${i}`)).toBe(`value ${i}`);
    expect(shared.size).toBeGreaterThan(0);
    expect(shared.size).toBeLessThanOrEqual(1024);
  });
});
