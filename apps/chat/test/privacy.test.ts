/**
 * Private rooms, direct messages and leaving, through official socket.io-client sockets: a third
 * account can neither see nor read what is not for it, whatever it asks for.
 */
import type { Socket as ClientSocket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_BUDGETS } from '../src/chat/request-limits.js';
import { collect, Harness, once, request, sessionCookieFor } from './helpers.js';

const harness = new Harness();
afterEach(() => harness.closeAll());

interface Answer {
  ok: boolean;
  error?: { code: string };
  [key: string]: unknown;
}

const names = async (socket: ClientSocket): Promise<string[]> =>
  (await request<{ rooms: { name: string }[] }>(socket, 'rooms:list')).rooms.map((room) => room.name);

/** Every way a socket could read or write a room it must not use: all refused as if it did not exist. */
async function expectLockedOut(socket: ClientSocket, room: string): Promise<void> {
  const unknown = { ok: false, error: expect.objectContaining({ code: 'UNKNOWN_ROOM' }) };
  expect(await request(socket, 'room:join', { room })).toEqual(unknown);
  expect(await request(socket, 'room:join', { room, after: 0 })).toEqual(unknown);
  expect(await request(socket, 'history:before', { room, before: 1_000_000 })).toEqual(unknown);
  expect(await request(socket, 'history:after', { room, after: 0 })).toEqual(unknown);
  expect(await request(socket, 'message:send', { room, text: 'let me in', clientId: 'x1' })).toEqual(unknown);
  expect(await names(socket)).not.toContain(room);
}

async function trio() {
  const { url } = await harness.startServer();
  const [alice, bob, carol] = await Promise.all(['alice', 'bob', 'carol'].map((name) => harness.connected(url, name)));
  return { url, alice, bob, carol };
}

describe('private rooms', () => {
  it('are invisible and unreadable to a non-member; the owner invites by username', async () => {
    const { alice, bob, carol } = await trio();
    const carolHears = { created: collect(carol, 'room:created'), messages: collect(carol, 'message') };
    const bobInvited = once<{ name: string; kind: string }>(bob, 'room:created');

    const created = await request<Answer>(alice, 'room:create', { room: 'secret', private: true });
    expect(created).toMatchObject({ ok: true, created: true, room: { name: 'secret', kind: 'private' } });
    await request(alice, 'room:join', { room: 'secret' });
    await request(alice, 'message:send', { room: 'secret', text: 'before the invite', clientId: 'a1' });

    await expectLockedOut(bob, 'secret');
    expect(await request(alice, 'room:invite', { room: 'secret', username: 'BOB' })).toMatchObject({ ok: true });
    expect(await bobInvited).toMatchObject({ name: 'secret', kind: 'private' });
    expect(await names(bob)).toContain('secret');
    const joined = await request<{ messages: { text: string }[]; users: string[] }>(bob, 'room:join', {
      room: 'secret',
    });
    expect(joined.messages.map((m) => m.text)).toEqual(['before the invite']);
    expect(joined.users).toEqual(['alice', 'bob']);

    // Only the owner invites.
    expect(await request(bob, 'room:invite', { room: 'secret', username: 'carol' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_ALLOWED' },
    });
    // Taking the name does not get carol in either.
    expect(await request(carol, 'room:create', { room: 'secret' })).toMatchObject({
      ok: false,
      error: { code: 'ROOM_NAME_TAKEN' },
    });
    const bobGets = once<{ text: string }>(bob, 'message');
    await request(alice, 'message:send', { room: 'secret', text: 'members only', clientId: 'a2' });
    expect((await bobGets).text).toBe('members only');
    carol.emit('typing', { room: 'secret', typing: true });
    await expectLockedOut(carol, 'secret');
    // A round trip after everything: carol heard of none of it.
    await request(carol, 'rooms:list');
    expect(carolHears.created.items).toEqual([]);
    expect(carolHears.messages.items).toEqual([]);
  });

  it('lets an owner invite a whole team right after creating the room; a flood of invitations is refused', async () => {
    const { url, alice } = await trio();
    const team = Array.from({ length: 12 }, (_, i) => `teammate${i + 1}`);
    for (const name of team) await sessionCookieFor(url, name);
    expect(await request(alice, 'room:create', { room: 'launch', private: true })).toMatchObject({ ok: true });
    for (const name of team) {
      expect(await request(alice, 'room:invite', { room: 'launch', username: name })).toMatchObject({
        ok: true,
        user: { username: name },
      });
    }
    // The same budget covers invitations and removals, and not room creation: a second room is still fine.
    expect(await request(alice, 'room:remove', { room: 'launch', username: 'teammate12' })).toMatchObject({ ok: true });
    expect(await request(alice, 'room:create', { room: 'launch-2', private: true })).toMatchObject({ ok: true });
    const { limit, windowMs } = DEFAULT_BUDGETS.members;
    expect(limit).toBeGreaterThanOrEqual(30);
    const burst = await Promise.all(
      Array.from({ length: limit - team.length - 1 + 3 }, (_, i) =>
        request<{ ok: boolean; error?: { code: string; retryAfterMs?: number } }>(alice, 'room:invite', {
          room: 'launch',
          username: team[i % team.length],
        }),
      ),
    );
    expect(burst.filter((answer) => answer.ok)).toHaveLength(limit - team.length - 1);
    const refused = burst.filter((answer) => !answer.ok);
    expect(refused).toHaveLength(3);
    for (const answer of refused) {
      expect(answer.error).toMatchObject({
        code: 'RATE_LIMITED',
        message: expect.stringMatching(/^Too many invitations and removals; wait \d+ seconds?\.$/),
        retryAfterMs: expect.any(Number),
      });
      expect(answer.error?.retryAfterMs).toBeLessThanOrEqual(windowMs);
    }
  });
});

describe('direct messages', () => {
  it('opens DMs with a whole team in a row, apart from the room-creation budget; a flood is refused', async () => {
    const { url, alice } = await trio();
    const team = Array.from({ length: 8 }, (_, i) => `colleague${i + 1}`);
    for (const name of team) await sessionCookieFor(url, name);
    // Each "Message" click asks again, for an existing conversation too.
    for (const name of [...team, ...team]) {
      expect(await request(alice, 'dm:open', { username: name })).toMatchObject({ ok: true, with: { username: name } });
    }
    expect(await request(alice, 'room:create', { room: 'after-the-dms' })).toMatchObject({ ok: true });
    const { limit } = DEFAULT_BUDGETS.dm;
    const burst = await Promise.all(
      Array.from({ length: limit - 2 * team.length + 2 }, (_, i) =>
        request<{ ok: boolean; error?: { code: string; message: string } }>(alice, 'dm:open', {
          username: team[i % team.length],
        }),
      ),
    );
    const refused = burst.filter((answer) => !answer.ok);
    expect(refused).toHaveLength(2);
    expect(refused[0].error).toMatchObject({
      code: 'RATE_LIMITED',
      message: expect.stringMatching(/^Too many direct messages opened; wait \d+ seconds?\.$/),
    });
  });

  it('are listed for the two people and readable by them only', async () => {
    const { alice, bob, carol } = await trio();
    const carolHears = { created: collect(carol, 'room:created'), messages: collect(carol, 'message') };
    const bobNotified = once<{ name: string; kind: string }>(bob, 'room:created');
    const opened = await request<{ room: { name: string; kind: string }; with: { username: string } }>(
      alice,
      'dm:open',
      { username: 'bob' },
    );
    expect(opened).toMatchObject({ ok: true, room: { kind: 'dm' }, with: { username: 'bob' } });
    const dm = opened.room.name;
    expect(await bobNotified).toMatchObject({ name: dm, kind: 'dm', members: ['alice', 'bob'] });
    // Opening it from the other side finds the same conversation.
    expect(await request(bob, 'dm:open', { username: 'alice' })).toMatchObject({ room: { name: dm } });
    expect(await names(alice)).toContain(dm);
    expect(await names(bob)).toContain(dm);
    const listed = (await request<{ rooms: { name: string; members?: string[] }[] }>(bob, 'rooms:list')).rooms;
    expect(listed.find((room) => room.name === dm)?.members).toEqual(['alice', 'bob']);

    await request(alice, 'room:join', { room: dm });
    await request(bob, 'room:join', { room: dm });
    const bobGets = once<{ text: string; username: string }>(bob, 'message');
    await request(alice, 'message:send', { room: dm, text: 'just us', clientId: 'd1' });
    expect(await bobGets).toMatchObject({ text: 'just us', username: 'alice' });

    await expectLockedOut(carol, dm);
    carol.emit('typing', { room: dm, typing: true });
    await request(carol, 'rooms:list');
    expect(carolHears.created.items).toEqual([]);
    expect(carolHears.messages.items).toEqual([]);
    expect(await request(carol, 'dm:open', { username: 'carol' })).toMatchObject({ error: { code: 'BAD_REQUEST' } });
    expect(await request(carol, 'room:create', { room: 'dm-1-2' })).toMatchObject({
      error: { code: 'INVALID_ROOM_NAME' },
    });
  });
});

describe('leaving and presence', () => {
  it('lists a user once however many tabs; leaving takes every tab out and drops private membership', async () => {
    const { url } = await harness.startServer();
    const alice = await harness.connected(url, 'alice');
    const [tab1, tab2] = await Promise.all([harness.connected(url, 'bob'), harness.connected(url, 'bob')]);
    await request(alice, 'room:create', { room: 'club', private: true });
    await request(alice, 'room:join', { room: 'club' });
    await request(alice, 'room:invite', { room: 'club', username: 'bob' });
    const presence = collect<{ room: string; users: string[] }>(alice, 'presence');
    await request(tab1, 'room:join', { room: 'club' });
    const both = await request<{ users: string[] }>(tab2, 'room:join', { room: 'club' });
    expect(both.users).toEqual(['alice', 'bob']);

    expect(await request(tab1, 'room:leave', { room: 'club' })).toEqual({ ok: true });
    await presence.until((events) => events.at(-1)?.users.join() === 'alice');
    // The other tab is out too: it hears nothing more and cannot get back in.
    const tab2Hears = collect(tab2, 'message');
    await request(alice, 'message:send', { room: 'club', text: 'after bob left', clientId: 'c1' });
    await expectLockedOut(tab2, 'club');
    expect(tab2Hears.items).toEqual([]);
  });
});
