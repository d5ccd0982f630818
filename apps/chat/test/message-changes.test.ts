/**
 * Edit, delete, reactions, replies, catch-up of changes and moderation, through official
 * socket.io-client sockets: what each client receives, and what a non-member or non-owner cannot do.
 */
import type { Socket as ClientSocket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { collect, Harness, once, request } from './helpers.js';

const harness = new Harness();
afterEach(() => harness.closeAll());

interface Message {
  id: number;
  room: string;
  text: string;
  username: string;
  editedAt?: number;
  deletedAt?: number;
  rev?: number;
  replyTo?: number;
  reply?: { id: number; nick: string; text: string; deleted: boolean };
  reactions?: { emoji: string; usernames: string[] }[];
}

const refused = (code: string) => ({ ok: false, error: expect.objectContaining({ code }) });

async function post(socket: ClientSocket, room: string, text: string, extra: object = {}): Promise<Message> {
  const answer = await request<{ ok: boolean; message: Message }>(socket, 'message:send', {
    room,
    text,
    clientId: `c${Math.random().toString(36).slice(2)}`,
    ...extra,
  });
  expect(answer.ok).toBe(true);
  return answer.message;
}

async function trio(options: Parameters<Harness['startServer']>[0] = {}) {
  const { url } = await harness.startServer(options);
  const [alice, bob, carol] = await Promise.all(['alice', 'bob', 'carol'].map((name) => harness.connected(url, name)));
  for (const socket of [alice, bob, carol]) await request(socket, 'room:join', { room: 'general' });
  return { url, alice, bob, carol };
}

describe('edit and delete', () => {
  it('edits and deletes your own messages; the room sees each change live; history has the latest', async () => {
    const { alice, bob } = await trio();
    const message = await post(alice, 'general', 'helo');
    const updates = collect<Message>(bob, 'message:update');

    const edited = await request<{ ok: boolean; message: Message }>(alice, 'message:edit', {
      room: 'general',
      id: message.id,
      text: 'hello',
    });
    expect(edited).toMatchObject({
      ok: true,
      message: { id: message.id, text: 'hello', editedAt: expect.any(Number) },
    });
    await updates.until((items) => items.length === 1);
    expect(updates.items[0]).toEqual(edited.message);

    // Not yours: refused, whoever asks.
    expect(await request(bob, 'message:edit', { room: 'general', id: message.id, text: 'mine now' })).toEqual(
      refused('NOT_ALLOWED'),
    );
    expect(await request(bob, 'message:delete', { room: 'general', id: message.id })).toEqual(refused('NOT_ALLOWED'));
    // Bad input gets a clear error.
    expect(await request(alice, 'message:edit', { room: 'general', id: message.id, text: ' ' })).toEqual(
      refused('EMPTY_MESSAGE'),
    );
    expect(await request(alice, 'message:edit', { room: 'general', id: -1, text: 'x' })).toEqual(
      refused('BAD_REQUEST'),
    );
    expect(await request(alice, 'message:edit', { room: 'general', id: 987_654, text: 'x' })).toEqual(
      refused('UNKNOWN_MESSAGE'),
    );
    expect(await request(alice, 'message:edit', 'nonsense')).toEqual(refused('BAD_REQUEST'));

    const deleted = await request<{ ok: boolean; message: Message }>(alice, 'message:delete', {
      room: 'general',
      id: message.id,
    });
    expect(deleted.message).toMatchObject({ id: message.id, text: '', deletedAt: expect.any(Number) });
    await updates.until((items) => items.length === 2);
    expect(updates.items[1]).toEqual(deleted.message);
    expect(await request(alice, 'message:edit', { room: 'general', id: message.id, text: 'back' })).toEqual(
      refused('UNKNOWN_MESSAGE'),
    );
    const history = await request<{ messages: Message[] }>(bob, 'room:join', { room: 'general' });
    expect(history.messages.find((m) => m.id === message.id)).toEqual(deleted.message);
  });

  it('catches up changes to old messages made while a client was away, by room revision', async () => {
    const { url, alice, bob } = await trio();
    const old = await post(alice, 'general', 'old news');
    const other = await post(alice, 'general', 'to be removed');
    const joined = await request<{ rev: number; messages: Message[] }>(bob, 'room:join', { room: 'general' });
    const since = joined.rev;
    bob.disconnect();
    await request(alice, 'message:edit', { room: 'general', id: old.id, text: 'old news, corrected' });
    await request(alice, 'message:delete', { room: 'general', id: other.id });
    const lastId = joined.messages.at(-1)?.id ?? 0;
    const back = await harness.connected(url, 'bob');
    // Catch-up by id finds nothing new; catch-up by revision finds both changes.
    const after = await request<{ messages: Message[]; rev: number }>(back, 'room:join', {
      room: 'general',
      after: lastId,
    });
    expect(after.messages).toEqual([]);
    expect(after.rev).toBeGreaterThan(since);
    const changes = await request<{ messages: Message[]; hasMore: boolean; rev: number }>(back, 'history:changes', {
      room: 'general',
      since,
    });
    expect(changes).toMatchObject({ ok: true, hasMore: false, rev: after.rev });
    expect(changes.messages.map((m) => [m.id, m.text, m.deletedAt !== undefined])).toEqual([
      [old.id, 'old news, corrected', false],
      [other.id, '', true],
    ]);
  });
});

describe('reactions', () => {
  it('adds and removes emoji with live counts and who reacted; only the offered emoji', async () => {
    const { alice, bob, carol } = await trio();
    const message = await post(alice, 'general', 'ship it?');
    const updates = collect<Message>(carol, 'message:update');
    await request(bob, 'message:react', { room: 'general', id: message.id, emoji: '👍', on: true });
    await request(alice, 'message:react', { room: 'general', id: message.id, emoji: '👍', on: true });
    const third = await request<{ message: Message }>(bob, 'message:react', {
      room: 'general',
      id: message.id,
      emoji: '🎉',
      on: true,
    });
    expect(third.message.reactions).toEqual([
      { emoji: '👍', usernames: ['bob', 'alice'] },
      { emoji: '🎉', usernames: ['bob'] },
    ]);
    await updates.until((items) => items.length === 3);
    await request(bob, 'message:react', { room: 'general', id: message.id, emoji: '👍', on: false });
    const last = await updates.until((items) => items.length === 4);
    expect(last[3].reactions).toEqual([
      { emoji: '👍', usernames: ['alice'] },
      { emoji: '🎉', usernames: ['bob'] },
    ]);
    // Reacting twice changes nothing and broadcasts nothing.
    await request(alice, 'message:react', { room: 'general', id: message.id, emoji: '👍', on: true });
    await request(carol, 'rooms:list');
    expect(updates.items).toHaveLength(4);
    expect(await request(bob, 'message:react', { room: 'general', id: message.id, emoji: '<b>x</b>' })).toEqual(
      refused('BAD_REQUEST'),
    );
    expect(await request(bob, 'message:react', { room: 'general', id: 31_337, emoji: '👍' })).toEqual(
      refused('UNKNOWN_MESSAGE'),
    );
  });

  it('has its own budget per user', async () => {
    const { alice, bob } = await trio({ budgets: { react: { limit: 3, windowMs: 60_000 } } });
    const message = await post(alice, 'general', 'react to me');
    for (const emoji of ['👍', '❤️', '😂']) {
      expect(await request(bob, 'message:react', { room: 'general', id: message.id, emoji })).toMatchObject({
        ok: true,
      });
    }
    expect(await request(bob, 'message:react', { room: 'general', id: message.id, emoji: '🎉' })).toEqual(
      refused('RATE_LIMITED'),
    );
  });
});

describe('replies', () => {
  it('carry a preview of the original, which shows a deletion; the original must be in the room', async () => {
    const { alice, bob } = await trio();
    const original = await post(alice, 'general', 'Who has the keys?');
    const bobGets = once<Message>(alice, 'message');
    const reply = await post(bob, 'general', 'I do', { replyTo: original.id });
    expect(reply).toMatchObject({
      replyTo: original.id,
      reply: { id: original.id, nick: 'alice', text: 'Who has the keys?', deleted: false },
    });
    expect(await bobGets).toEqual(reply);
    await request(alice, 'message:delete', { room: 'general', id: original.id });
    const page = await request<{ messages: Message[] }>(bob, 'room:join', { room: 'general' });
    expect(page.messages.find((m) => m.id === reply.id)?.reply).toEqual({
      id: original.id,
      nick: 'alice',
      text: '',
      deleted: true,
    });
    await request(alice, 'room:create', { room: 'elsewhere' });
    await request(alice, 'room:join', { room: 'elsewhere' });
    const foreign = await post(alice, 'elsewhere', 'not in general');
    expect(
      await request(bob, 'message:send', { room: 'general', text: 'x', clientId: 'r9', replyTo: foreign.id }),
    ).toEqual(refused('UNKNOWN_MESSAGE'));
    expect(
      await request(bob, 'message:send', { room: 'general', text: 'x', clientId: 'r8', replyTo: original.id }),
    ).toEqual(refused('UNKNOWN_MESSAGE'));
  });
});

describe('authorization and moderation', () => {
  it('a non-member can neither edit, delete, react to nor read the changes of a private room', async () => {
    const { alice, carol } = await trio();
    await request(alice, 'room:create', { room: 'secret', private: true });
    await request(alice, 'room:join', { room: 'secret' });
    const message = await post(alice, 'secret', 'members only');
    const carolHears = collect(carol, 'message:update');
    for (const [event, payload] of [
      ['message:edit', { room: 'secret', id: message.id, text: 'hacked' }],
      ['message:delete', { room: 'secret', id: message.id }],
      ['message:react', { room: 'secret', id: message.id, emoji: '👍' }],
      ['history:changes', { room: 'secret', since: 0 }],
      ['room:remove', { room: 'secret', username: 'alice' }],
    ] as const) {
      expect(await request(carol, event, payload)).toEqual(refused('UNKNOWN_ROOM'));
    }
    // A message id from the private room, named with a room carol is in, is not found either.
    expect(await request(carol, 'message:react', { room: 'general', id: message.id, emoji: '👍' })).toEqual(
      refused('UNKNOWN_MESSAGE'),
    );
    expect(
      await request(carol, 'message:send', { room: 'general', text: 'x', clientId: 'q', replyTo: message.id }),
    ).toEqual(refused('UNKNOWN_MESSAGE'));
    await request(alice, 'message:react', { room: 'secret', id: message.id, emoji: '👍' });
    await request(carol, 'rooms:list');
    expect(carolHears.items).toEqual([]);
  });

  it("a private room's owner deletes anyone's message and removes a member, who is out at once", async () => {
    const { alice, bob, carol } = await trio();
    await request(alice, 'room:create', { room: 'club', private: true });
    await request(alice, 'room:join', { room: 'club' });
    await request(alice, 'room:invite', { room: 'club', username: 'bob' });
    await request(alice, 'room:invite', { room: 'club', username: 'carol' });
    await request(bob, 'room:join', { room: 'club' });
    await request(carol, 'room:join', { room: 'club' });
    const rude = await post(bob, 'club', 'something rude');
    const carolUpdates = collect<Message>(carol, 'message:update');

    // Members moderate nothing; the owner does.
    expect(await request(carol, 'message:delete', { room: 'club', id: rude.id })).toEqual(refused('NOT_ALLOWED'));
    expect(await request(carol, 'room:remove', { room: 'club', username: 'bob' })).toEqual(refused('NOT_ALLOWED'));
    expect(await request(alice, 'message:delete', { room: 'club', id: rude.id })).toMatchObject({
      ok: true,
      message: { id: rude.id, text: '', deletedAt: expect.any(Number) },
    });
    await carolUpdates.until((items) => items.length === 1);
    // The owner cannot edit someone else's words.
    const polite = await post(bob, 'club', 'sorry');
    expect(await request(alice, 'message:edit', { room: 'club', id: polite.id, text: 'x' })).toEqual(
      refused('NOT_ALLOWED'),
    );

    const removed = once<{ room: string }>(bob, 'room:removed');
    expect(await request(alice, 'room:remove', { room: 'club', username: 'bob' })).toMatchObject({
      ok: true,
      user: { username: 'bob' },
    });
    expect(await removed).toEqual({ room: 'club' });
    const bobHears = collect(bob, 'message');
    await post(alice, 'club', 'after bob was removed');
    expect(await request(bob, 'room:join', { room: 'club' })).toEqual(refused('UNKNOWN_ROOM'));
    expect(await request(bob, 'history:changes', { room: 'club', since: 0 })).toEqual(refused('UNKNOWN_ROOM'));
    expect(bobHears.items).toEqual([]);
    expect(await request(alice, 'room:remove', { room: 'club', username: 'bob' })).toEqual(refused('UNKNOWN_USER'));
    expect(await request(alice, 'room:remove', { room: 'club', username: 'alice' })).toEqual(refused('BAD_REQUEST'));
    // Public rooms record no owner: nobody moderates them.
    const general = await post(bob, 'general', 'in public');
    expect(await request(alice, 'message:delete', { room: 'general', id: general.id })).toEqual(refused('NOT_ALLOWED'));
  });

  it('a removed member whose session recovers after a drop is not back in the room', async () => {
    const { url } = await harness.startServer();
    const alice = await harness.connected(url, 'alice');
    const bob = await harness.connected(url, 'bob', { reconnection: true });
    await request(alice, 'room:create', { room: 'club', private: true });
    await request(alice, 'room:join', { room: 'club' });
    await request(alice, 'room:invite', { room: 'club', username: 'bob' });
    await request(bob, 'room:join', { room: 'club' });

    // Bob's connection drops; he is removed while away, then his session is restored.
    const dropped = once(bob, 'disconnect');
    bob.io.reconnection(false);
    bob.io.engine.close();
    await dropped;
    expect(await request(alice, 'room:remove', { room: 'club', username: 'bob' })).toMatchObject({ ok: true });
    // Sent while he is away: a restored session must not get it replayed either.
    await post(alice, 'club', 'said while bob was away');
    const bobHearsReplay = collect(bob, 'message');
    bob.io.reconnection(true);
    bob.connect();
    await once(bob, 'connect');
    expect(bob.recovered).toBe(true);
    await request(bob, 'rooms:list');
    const bobHears = collect(bob, 'message');
    await post(alice, 'club', 'members only, after the removal');
    expect(await request(bob, 'message:send', { room: 'club', text: 'still here?', clientId: 'b1' })).toEqual(
      refused('UNKNOWN_ROOM'),
    );
    expect(bobHears.items).toEqual([]);
    expect(bobHearsReplay.items).toEqual([]);
  });
});
