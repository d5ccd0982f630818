/**
 * Search through official socket.io-client sockets: results cover the rooms the account may read
 * and nothing else, whatever it asks for; queries are validated and budgeted.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Harness, request } from './helpers.js';

const harness = new Harness();
afterEach(() => harness.closeAll());

interface SearchAnswer {
  ok: boolean;
  messages?: { id: number; room: string; text: string }[];
  hasMore?: boolean;
  terms?: string[];
  error?: { code: string; message: string };
}

const search = (socket: Parameters<typeof request>[0], payload: unknown) =>
  request<SearchAnswer>(socket, 'search', payload);

describe('search', () => {
  it('finds public messages and the private ones of members only', async () => {
    const { url } = await harness.startServer();
    const [alice, bob] = await Promise.all(['alice', 'bob'].map((name) => harness.connected(url, name)));
    await request(alice, 'room:create', { room: 'secret', private: true });
    await request(alice, 'room:join', { room: 'secret' });
    await request(alice, 'room:join', { room: 'general' });
    await request(alice, 'message:send', { room: 'general', text: 'Quarterly numbers are in', clientId: 'a1' });
    await request(alice, 'message:send', { room: 'secret', text: 'Quarterly bonus plan', clientId: 'a2' });

    const mine = await search(alice, { query: 'QUARTERLY' });
    expect(mine).toMatchObject({ ok: true, hasMore: false, terms: ['quarterly'] });
    expect(mine.messages?.map((m) => [m.room, m.text])).toEqual([
      ['secret', 'Quarterly bonus plan'],
      ['general', 'Quarterly numbers are in'],
    ]);
    // Bob is not a member: the private message is not found, by any query.
    expect((await search(bob, { query: 'quarterly' })).messages?.map((m) => m.text)).toEqual([
      'Quarterly numbers are in',
    ]);
    expect((await search(bob, { query: 'bonus plan' })).messages).toEqual([]);
    // Asking for the private room by name answers as for a missing room.
    expect(await search(bob, { query: 'bonus', room: 'secret' })).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_ROOM' },
    });
    expect(await search(bob, { query: 'bonus', room: 'no-such-room' })).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_ROOM' },
    });
    // Once invited, he finds it.
    await request(alice, 'room:invite', { room: 'secret', username: 'bob' });
    expect((await search(bob, { query: 'bonus', room: 'secret' })).messages?.map((m) => m.text)).toEqual([
      'Quarterly bonus plan',
    ]);
  });

  it('refuses malformed queries with a clear error and strips search syntax', async () => {
    const { url } = await harness.startServer();
    const alice = await harness.connected(url, 'alice');
    await request(alice, 'message:send', { room: 'general', text: 'never sent: not joined', clientId: 'x' });
    await request(alice, 'room:join', { room: 'general' });
    await request(alice, 'message:send', { room: 'general', text: 'NEAR the "end" OR not', clientId: 'a1' });
    for (const payload of [null, 'text', [], { query: 42 }, { query: '' }, { query: '  "*" :: ' }]) {
      expect(await search(alice, payload)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
    expect(await search(alice, { query: 'x'.repeat(201) })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', message: 'Search for at most 200 characters.' },
    });
    expect(await search(alice, { query: 'end', before: -1 })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    // Operators of either store's syntax are plain words here.
    const answer = await search(alice, { query: '"end" OR NEAR(not) -*' });
    expect(answer.terms).toEqual(['end', 'or', 'near', 'not']);
    expect(answer.messages?.map((m) => m.text)).toEqual(['NEAR the "end" OR not']);
  });

  it('pages with `before`, and is limited per user', async () => {
    const { url } = await harness.startServer({
      budgets: { search: { limit: 3, windowMs: 60_000 }, send: { limit: 100, windowMs: 1000 } },
    });
    const alice = await harness.connected(url, 'alice');
    await request(alice, 'room:join', { room: 'general' });
    for (let i = 0; i < 22; i++) {
      await request(alice, 'message:send', { room: 'general', text: `item ${i}`, clientId: `c${i}` });
    }
    const first = await search(alice, { query: 'item' });
    expect(first.messages).toHaveLength(20);
    expect(first.hasMore).toBe(true);
    expect(first.messages?.[0].text).toBe('item 21');
    const next = await search(alice, { query: 'item', before: first.messages?.at(-1)?.id });
    expect(next.messages?.map((m) => m.text)).toEqual(['item 1', 'item 0']);
    expect(next.hasMore).toBe(false);
    await search(alice, { query: 'item' });
    expect(await search(alice, { query: 'item' })).toMatchObject({
      ok: false,
      error: { code: 'RATE_LIMITED', message: expect.stringContaining('Too many searches') },
    });
  });
});
