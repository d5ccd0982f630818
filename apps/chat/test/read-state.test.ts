/**
 * Unread state, mentions, mutes and away through official socket.io-client sockets: what each
 * account's sockets receive, and that nobody learns anything about a room they may not read.
 */
import type { Socket as ClientSocket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { collect, Harness, once, request } from './helpers.js';

const harness = new Harness();
afterEach(() => harness.closeAll());

interface ReadState {
  room: string;
  lastRead: number | null;
  unread: number;
  mentions: number;
  muted: boolean;
}

const unknownRoom = { ok: false, error: expect.objectContaining({ code: 'UNKNOWN_ROOM' }) };

async function stateOf(socket: Parameters<typeof request>[0], room: string): Promise<ReadState | undefined> {
  const { rooms } = await request<{ rooms: ReadState[] }>(socket, 'unread:list');
  return rooms.find((state) => state.room === room);
}

async function sendText(socket: Parameters<typeof request>[0], room: string, text: string): Promise<number> {
  const answer = await request<{ message: { id: number } }>(socket, 'message:send', {
    room,
    text,
    clientId: `c${Math.random().toString(36).slice(2)}`,
  });
  return answer.message.id;
}

/** A fresh server with Alice signed in twice (two tabs of one account) and Bob. */
async function aliceInTwoTabsAndBob(): Promise<ClientSocket[]> {
  const { url } = await harness.startServer();
  return Promise.all([harness.connected(url, 'alice'), harness.connected(url, 'alice'), harness.connected(url, 'bob')]);
}

describe('read markers', () => {
  it('keep unread counts on the server and tell every socket of the account', async () => {
    const [tab1, tab2, bob] = await aliceInTwoTabsAndBob();
    await request(bob, 'room:join', { room: 'general' });
    const first = await sendText(bob, 'general', 'one');
    await sendText(bob, 'general', 'two');
    // Never opened: nothing counts yet.
    expect(await stateOf(tab1, 'general')).toMatchObject({ lastRead: null, unread: 0 });

    const heard = once<{ room: string; lastRead: number }>(tab2, 'room:read');
    expect(await request(tab1, 'room:read', { room: 'general', lastRead: first })).toEqual({
      ok: true,
      lastRead: first,
    });
    expect(await heard).toEqual({ room: 'general', lastRead: first });
    expect(await stateOf(tab2, 'general')).toMatchObject({ lastRead: first, unread: 1 });

    // A claim beyond the newest message stops at it; a later message still counts.
    const third = await sendText(bob, 'general', 'three');
    expect(await request(tab1, 'room:read', { room: 'general', lastRead: 9_999_999 })).toMatchObject({
      lastRead: third,
    });
    await sendText(bob, 'general', 'four');
    expect(await stateOf(tab1, 'general')).toMatchObject({ lastRead: third, unread: 1 });
    // Backwards is ignored.
    expect(await request(tab1, 'room:read', { room: 'general', lastRead: first })).toMatchObject({ lastRead: third });
  });

  it('refuse bad input and a room the account may not read', async () => {
    const { url } = await harness.startServer();
    const [alice, carol] = await Promise.all([harness.connected(url, 'alice'), harness.connected(url, 'carol')]);
    await request(alice, 'room:create', { room: 'secret', private: true });
    await request(alice, 'room:join', { room: 'secret' });
    const id = await sendText(alice, 'secret', 'members only');
    const carolHears = { read: collect(carol, 'room:read'), muted: collect(carol, 'room:muted') };

    expect(await request(carol, 'room:read', { room: 'secret', lastRead: id })).toEqual(unknownRoom);
    expect(await request(carol, 'room:mute', { room: 'secret', muted: true })).toEqual(unknownRoom);
    expect((await request<{ rooms: ReadState[] }>(carol, 'unread:list')).rooms.map((r) => r.room)).toEqual(['general']);
    for (const bad of [{ room: 'general', lastRead: 'x' }, { room: 'general', lastRead: -1 }, null, 'general']) {
      expect(await request(alice, 'room:read', bad)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
    expect(await request(alice, 'room:mute', { room: 'general', muted: 'yes' })).toMatchObject({
      error: { code: 'BAD_REQUEST' },
    });
    expect(carolHears.read.items).toEqual([]);
    expect(carolHears.muted.items).toEqual([]);
  });

  it('are rate limited', async () => {
    const { url } = await harness.startServer({ budgets: { read: { limit: 2, windowMs: 60_000 } } });
    const alice = await harness.connected(url, 'alice');
    await request(alice, 'unread:list');
    await request(alice, 'room:read', { room: 'general', lastRead: 0 });
    expect(await request(alice, 'room:mute', { room: 'general', muted: true })).toMatchObject({
      ok: false,
      error: { code: 'RATE_LIMITED' },
    });
  });
});

describe('mutes', () => {
  it('are per account, stored, and told to every socket of the account', async () => {
    const [tab1, tab2, bob] = await aliceInTwoTabsAndBob();
    const heard = once(tab2, 'room:muted');
    expect(await request(tab1, 'room:mute', { room: 'general', muted: true })).toEqual({ ok: true, muted: true });
    expect(await heard).toEqual({ room: 'general', muted: true });
    expect(await stateOf(tab2, 'general')).toMatchObject({ muted: true });
    expect(await stateOf(bob, 'general')).toMatchObject({ muted: false });
    await request(tab2, 'room:mute', { room: 'general', muted: false });
    expect(await stateOf(tab1, 'general')).toMatchObject({ muted: false });
  });
});

describe('mentions', () => {
  it('notify the mentioned account wherever it is, count until read, and DMs notify the other person', async () => {
    const { url } = await harness.startServer();
    const [alice, bob] = await Promise.all([harness.connected(url, 'alice'), harness.connected(url, 'bob')]);
    await request(bob, 'room:create', { room: 'lobby' });
    await request(bob, 'room:join', { room: 'lobby' });
    // Alice never joined #lobby: she hears of the mention through her own account's room.
    const notified = once<{ message: { text: string; room: string }; reason: string }>(alice, 'notify');
    const id = await sendText(bob, 'lobby', 'hey @Alice, see this. And ada@example.com is not one');
    expect(await notified).toMatchObject({ reason: 'mention', message: { room: 'lobby', text: expect.any(String) } });
    expect(await stateOf(alice, 'lobby')).toMatchObject({ mentions: 1 });
    await request(alice, 'room:read', { room: 'lobby', lastRead: id });
    expect(await stateOf(alice, 'lobby')).toMatchObject({ mentions: 0, unread: 0 });

    const { room } = await request<{ room: { name: string } }>(bob, 'dm:open', { username: 'alice' });
    await request(bob, 'room:join', { room: room.name });
    const dm = once<{ message: { text: string }; reason: string }>(alice, 'notify');
    await sendText(bob, room.name, 'just us');
    expect(await dm).toMatchObject({ reason: 'dm', message: { text: 'just us' } });
    expect(await stateOf(alice, room.name)).toMatchObject({ unread: 1, mentions: 0 });
  });

  it('in a private room reach members only; an outsider hears nothing', async () => {
    const { url } = await harness.startServer();
    const [alice, bob, carol] = await Promise.all(
      ['alice', 'bob', 'carol'].map((name) => harness.connected(url, name)),
    );
    await request(alice, 'room:create', { room: 'secret', private: true });
    await request(alice, 'room:invite', { room: 'secret', username: 'bob' });
    await request(alice, 'room:join', { room: 'secret' });
    const carolHears = collect(carol, 'notify');
    const bobNotified = once<{ message: { text: string } }>(bob, 'notify');
    await sendText(alice, 'secret', '@carol @bob look');
    expect((await bobNotified).message.text).toBe('@carol @bob look');
    expect(await stateOf(bob, 'secret')).toMatchObject({ mentions: 1, unread: 1 });
    await request(carol, 'unread:list');
    expect(carolHears.items).toEqual([]);
  });
});

describe('away', () => {
  it('is told to pages on connection, and a person is away only when every socket of theirs is', async () => {
    const { url } = await harness.startServer({ awayAfterMs: 1234 });
    const config = (() => {
      const socket = harness.client(url, 'bob');
      return { socket, config: once<{ awayAfterMs: number }>(socket, 'presence:config') };
    })();
    expect(await config.config).toEqual({ awayAfterMs: 1234 });
    const bob = config.socket;
    const [tab1, tab2] = await Promise.all([harness.connected(url, 'alice'), harness.connected(url, 'alice')]);
    await request(bob, 'room:join', { room: 'general' });
    await request(tab1, 'room:join', { room: 'general' });
    const joined = await request<{ users: string[]; away: string[] }>(tab2, 'room:join', { room: 'general' });
    expect(joined).toMatchObject({ users: ['alice', 'bob'], away: [] });
    const presence = collect<{ users: string[]; away: string[] }>(bob, 'presence');

    expect(await request(tab1, 'presence:away', { away: true })).toEqual({ ok: true });
    // One tab still active: online.
    expect(await request(bob, 'room:join', { room: 'general' })).toMatchObject({ away: [] });
    expect(await request(tab2, 'presence:away', { away: true })).toEqual({ ok: true });
    await presence.until((events) => events.at(-1)?.away.join() === 'alice');
    expect(presence.items.at(-1)?.users).toEqual(['alice', 'bob']);
    await request(tab1, 'presence:away', { away: false });
    await presence.until((events) => events.at(-1)?.away.length === 0);
    expect(await request(tab1, 'presence:away', { away: 'maybe' })).toMatchObject({ error: { code: 'BAD_REQUEST' } });
  });
});
