import { afterEach, describe, expect, it } from 'vitest';
import { clientAddress, networkOf } from '../src/chat/identity.js';
import { capPageBytes } from '../src/chat/page-cap.js';
import { RequestLimits } from '../src/chat/request-limits.js';
import type { ChatMessage } from '../src/store/index.js';

describe('request limits', () => {
  let limits: RequestLimits | undefined;
  afterEach(() => limits?.close());

  it('keeps one budget per identity and kind, and forgets identities idle past the longest window (10 s here)', () => {
    limits = new RequestLimits({
      join: { limit: 2, windowMs: 1000 },
      create: { limit: 1, windowMs: 5000 },
      members: { limit: 1, windowMs: 5000 },
      dm: { limit: 1, windowMs: 5000 },
    });
    expect(limits.take('ip:a', 'join', 0)).toBe(0);
    expect(limits.take('ip:a', 'join', 10)).toBe(0);
    expect(limits.take('ip:a', 'join', 20)).toBe(980);
    expect(limits.take('ip:b', 'join', 20)).toBe(0);
    expect(limits.take('ip:a', 'create', 20)).toBe(0);
    expect(() => limits?.spend('ip:a', 'join', 30)).toThrow(/Too many room joins; wait 1 second\./);
    expect(limits.size).toBe(2);
    limits.sweep(9_000);
    expect(limits.size).toBe(2);
    limits.sweep(10_030);
    expect(limits.size).toBe(0);
  });
});

describe('identity', () => {
  it('takes the client address from X-Forwarded-For only as far as the trusted proxies go', () => {
    expect(clientAddress('10.0.0.1', '1.1.1.1, 2.2.2.2', 0)).toBe('10.0.0.1');
    expect(clientAddress('10.0.0.1', '1.1.1.1, 2.2.2.2', 1)).toBe('2.2.2.2');
    expect(clientAddress('10.0.0.1', '1.1.1.1, 2.2.2.2', 2)).toBe('1.1.1.1');
    expect(clientAddress('10.0.0.1', '2.2.2.2', 3)).toBe('2.2.2.2');
    expect(clientAddress('10.0.0.1', undefined, 1)).toBe('10.0.0.1');
  });

  it('keys IPv4 by address and IPv6 by /64 network', () => {
    for (const [address, network] of [
      ['::ffff:192.0.2.1', '192.0.2.1'],
      ['192.0.2.1', '192.0.2.1'],
      ['2001:db8:1:2:aaaa::1', '2001:db8:1:2::/64'],
      ['2001:0db8:0001:0002:ffff:1:2:3', '2001:db8:1:2::/64'],
      ['::1', '0:0:0:0::/64'],
    ]) {
      expect(networkOf(address)).toBe(network);
    }
  });
});

describe('page byte cap', () => {
  const message = (id: number, text: string): ChatMessage => ({
    id,
    room: 'r',
    nick: 'n',
    username: null,
    userId: null,
    text,
    ts: id,
    clientId: null,
  });
  const page = { messages: [1, 2, 3, 4].map((id) => message(id, 'x'.repeat(1000))), hasMore: false };

  it('keeps the newest messages of a backwards page and the oldest of a forwards page', () => {
    expect(capPageBytes(page, 'newest', 2500)).toEqual({ messages: page.messages.slice(2), hasMore: true });
    expect(capPageBytes(page, 'oldest', 2500)).toEqual({ messages: page.messages.slice(0, 2), hasMore: true });
    expect(capPageBytes(page, 'oldest', 100_000)).toBe(page);
  });

  it('always returns at least one message, so paging never stalls', () => {
    expect(capPageBytes(page, 'oldest', 10).messages.map((m) => m.id)).toEqual([1]);
  });
});
