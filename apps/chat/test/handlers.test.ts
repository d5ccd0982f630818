import { afterEach, describe, expect, it } from 'vitest';
import { collect, Harness, nickAsUserId, once, request, waitFor } from './helpers.js';

interface Message {
  id: number;
  room: string;
  nick: string;
  text: string;
  ts: number;
  clientId: string | null;
}
interface Failure {
  ok: false;
  error: { code: string; message: string; retryAfterMs?: number };
}
interface Page {
  ok: true;
  messages: Message[];
  hasMore: boolean;
}

const harness = new Harness();
afterEach(() => harness.closeAll());

async function joined(url: string, nick: string, room = 'general') {
  const socket = await harness.connected(url, nick);
  const joinResult = await request(socket, 'room:join', { room });
  expect(joinResult.ok).toBe(true);
  return socket;
}

describe('nicknames of sessionless clients (requireAccount: false)', () => {
  it.each<[unknown, string]>([
    ['', 'empty'],
    ['   ', 'blank'],
    ['x'.repeat(25), 'too long'],
    ['<script>', 'markup characters'],
    [42, 'not a string'],
  ])('refuses the connection for %j (%s) with a clear error', async (nick) => {
    const { url } = await harness.startServer({ requireAccount: false });
    const socket = harness.client(url, nick);
    const error = await once<Error & { data?: { code: string } }>(socket, 'connect_error');
    expect(error.message).toMatch(/nickname is 1 to 24/);
    expect(error.data).toEqual({ code: 'INVALID_NICKNAME' });
  });

  it('accepts letters of any script, digits and inner spaces, trimmed', async () => {
    const { url } = await harness.startServer({ requireAccount: false });
    const socket = await harness.connected(url, '  Zoë 李 2  ');
    const result = await request<{ users: string[] }>(socket, 'room:join', { room: 'general' });
    expect(result.users).toEqual(['Zoë 李 2']);
  });
});

describe('rooms', () => {
  it('refuses unknown and malformed rooms', async () => {
    const { url } = await harness.startServer();
    const socket = await harness.connected(url, 'ada');
    expect(await request<Failure>(socket, 'room:join', { room: 'nowhere' })).toEqual({
      ok: false,
      error: { code: 'UNKNOWN_ROOM', message: 'There is no room #nowhere.' },
    });
    const bad = await request<Failure>(socket, 'room:join', { room: 'Bad Name!' });
    expect(bad.error.code).toBe('INVALID_ROOM_NAME');
    expect((await request<Failure>(socket, 'room:join', 'general')).error.code).toBe('BAD_REQUEST');
    expect((await request<Failure>(socket, 'room:create', { room: '-x' })).error.code).toBe('INVALID_ROOM_NAME');
  });

  it('creates a room, announces it to everyone, and treats a second create as existing', async () => {
    const { url } = await harness.startServer();
    const ada = await harness.connected(url, 'ada');
    const bob = await harness.connected(url, 'bob');
    const announced = once<{ name: string }>(bob, 'room:created');
    const created = await request<{ ok: true; room: { name: string }; created: boolean }>(ada, 'room:create', {
      room: '#Project-X',
    });
    expect(created).toMatchObject({ ok: true, room: { name: 'project-x' }, created: true });
    expect((await announced).name).toBe('project-x');
    expect(await request(bob, 'room:create', { room: 'project-x' })).toMatchObject({ ok: true, created: false });
    const list = await request<{ rooms: { name: string }[] }>(bob, 'rooms:list');
    expect(list.rooms.map((room) => room.name)).toEqual(['general', 'project-x']);
  });

  it('keeps presence per room and updates it on join and disconnect', async () => {
    const { url } = await harness.startServer();
    const ada = await joined(url, 'ada');
    const presence = collect<{ room: string; users: string[] }>(ada, 'presence');
    const bob = await joined(url, 'bob');
    await presence.until((events) => events.some((e) => e.room === 'general' && e.users.join() === 'ada,bob'));
    bob.disconnect();
    await presence.until((events) => events.at(-1)?.users.join() === 'ada');
  });

  it('relays typing to the others in the room only', async () => {
    const { url } = await harness.startServer();
    const ada = await joined(url, 'ada');
    const bob = await joined(url, 'bob');
    const adaTyping = collect(ada, 'typing');
    const bobGot = once<{ room: string; nick: string; typing: boolean }>(bob, 'typing');
    ada.emit('typing', { room: 'general', typing: true });
    expect(await bobGot).toEqual({ room: 'general', nick: 'ada', username: 'ada', typing: true });
    // Ada's own hint never comes back to her; a round trip proves it would have arrived by now.
    await request(ada, 'rooms:list');
    expect(adaTyping.items).toEqual([]);
  });

  it('cuts a flood of typing hints from one socket', async () => {
    const { url } = await harness.startServer();
    const ada = await joined(url, 'ada');
    const bob = await joined(url, 'bob');
    const got = collect(bob, 'typing');
    for (let i = 0; i < 50; i++) ada.emit('typing', { room: 'general', typing: i % 2 === 0 });
    await got.until((items) => items.length >= 1);
    // Everything Ada sent before this round trip has been handled by now.
    await request(ada, 'rooms:list');
    await request(bob, 'rooms:list');
    expect(got.items.length).toBeLessThanOrEqual(10);
  });
});

describe('messages', () => {
  it('stores a message before broadcasting it to the room, and acks the stored message', async () => {
    const { url, store } = await harness.startServer();
    const ada = await joined(url, 'ada');
    const bob = await joined(url, 'bob');
    const seenInStore = waitFor<Message[]>(
      10_000,
      () => 'Timed out waiting for the broadcast',
      (resolve, reject) => {
        const read = () => store.latest('general', 10).then((page) => resolve(page.messages as Message[]), reject);
        bob.on('message', read);
        return () => bob.off('message', read);
      },
    );
    const ack = await request<{ ok: true; message: Message }>(ada, 'message:send', {
      room: 'general',
      text: '<b>hi</b>',
      clientId: 'c-1',
    });
    expect(ack.message).toMatchObject({ room: 'general', nick: 'ada', text: '<b>hi</b>', clientId: 'c-1' });
    expect(await seenInStore).toEqual([ack.message]);
  });

  it('validates text: empty, too long, not text; exactly 2,000 characters is fine', async () => {
    const { url } = await harness.startServer();
    const ada = await joined(url, 'ada');
    const send = (text: unknown) => request<Failure | { ok: true }>(ada, 'message:send', { room: 'general', text });
    expect(await send('  \n ')).toEqual({
      ok: false,
      error: { code: 'EMPTY_MESSAGE', message: 'Cannot send an empty message.' },
    });
    const tooLong = (await send('a'.repeat(2001))) as Failure;
    expect(tooLong.error).toEqual({
      code: 'MESSAGE_TOO_LONG',
      message: 'Messages are limited to 2,000 characters (this one has 2,001).',
    });
    expect(((await send(null)) as Failure).error.code).toBe('BAD_REQUEST');
    // Counted in characters, not UTF-16 units: 2,000 emoji are allowed.
    expect((await send('😀'.repeat(2000))).ok).toBe(true);
    expect((await send('x'.repeat(2000))).ok).toBe(true);
  });

  it('refuses sending to a room the socket has not joined, or that does not exist', async () => {
    const { url, store } = await harness.startServer();
    await store.createRoom('side', 1);
    const ada = await harness.connected(url, 'ada');
    const notIn = await request<Failure>(ada, 'message:send', { room: 'side', text: 'hi' });
    expect(notIn.error).toEqual({ code: 'NOT_IN_ROOM', message: 'Join #side before sending messages to it.' });
    const unknown = await request<Failure>(ada, 'message:send', { room: 'ghost', text: 'hi' });
    expect(unknown.error.code).toBe('UNKNOWN_ROOM');
    expect((await store.latest('side', 10)).messages).toEqual([]);
  });

  it('survives garbage: missing ack, wrong types, odd arguments', async () => {
    const { url } = await harness.startServer();
    const ada = await joined(url, 'ada');
    ada.emit('message:send', { room: 'general', text: 'no ack' });
    ada.emit('message:send');
    ada.emit('room:join', 1, 2, 3);
    ada.emit('typing', 'nonsense');
    ada.emit('history:before', { room: 'general', before: -1 });
    const page = await request<Page>(ada, 'history:after', { room: 'general', after: 0 });
    expect(page.messages.map((m) => m.text)).toEqual(['no ack']);
    const bad = await request<Failure>(ada, 'history:before', { room: 'general', before: 'x' });
    expect(bad.error).toEqual({ code: 'BAD_REQUEST', message: '"before" must be a message id.' });
  });

  it('rate-limits each user to 10 messages per 5 seconds, however many sockets they open', async () => {
    const { url } = await harness.startServer({ onRealtimeServer: nickAsUserId });
    const ada = await joined(url, 'ada');
    const adaAgain = await joined(url, 'ada');
    const bob = await joined(url, 'bob');
    const results = [];
    for (let i = 0; i < 11; i++) {
      const socket = i % 2 === 0 ? ada : adaAgain;
      results.push(
        await request<{ ok: boolean } | Failure>(socket, 'message:send', { room: 'general', text: `m${i}` }),
      );
    }
    expect(results.slice(0, 10).every((r) => r.ok)).toBe(true);
    const limited = results[10] as Failure;
    expect(limited.error.code).toBe('RATE_LIMITED');
    expect(limited.error.message).toMatch(/sending too fast; wait \d+ seconds?\./);
    expect(limited.error.retryAfterMs).toBeGreaterThan(0);
    expect(limited.error.retryAfterMs).toBeLessThanOrEqual(5000);
    // The limit is per user: someone else can still talk.
    expect((await request(bob, 'message:send', { room: 'general', text: 'me too' })).ok).toBe(true);
  });

  it('pages history: the latest 50 on join, then older pages on request', async () => {
    const { url, store } = await harness.startServer();
    for (let i = 0; i < 120; i++) {
      await store.appendMessage({ room: 'general', nick: 'old', text: `m${i}`, ts: i, clientId: null });
    }
    const ada = await harness.connected(url, 'ada');
    const join = await request<Page & { mode: string }>(ada, 'room:join', { room: 'general' });
    expect(join.mode).toBe('latest');
    expect(join.hasMore).toBe(true);
    expect(join.messages.map((m) => m.text)).toEqual(Array.from({ length: 50 }, (_, i) => `m${i + 70}`));
    const seen = [...join.messages];
    let hasMore = join.hasMore;
    while (hasMore) {
      const page = await request<Page>(ada, 'history:before', { room: 'general', before: seen[0].id });
      seen.unshift(...page.messages);
      hasMore = page.hasMore;
    }
    expect(seen.map((m) => m.text)).toEqual(Array.from({ length: 120 }, (_, i) => `m${i}`));
  });
});

describe('catching up', () => {
  it('after a new session, returns exactly the messages after the last id seen', async () => {
    const { url } = await harness.startServer();
    const ada = await joined(url, 'ada');
    const bob = await joined(url, 'bob');
    const first = await request<{ message: Message }>(ada, 'message:send', { room: 'general', text: 'before' });
    ada.disconnect();
    for (const text of ['missed 1', 'missed 2', 'missed 3']) {
      await request(bob, 'message:send', { room: 'general', text });
    }
    const again = await harness.connected(url, 'ada');
    const join = await request<Page & { mode: string }>(again, 'room:join', {
      room: 'general',
      after: first.message.id,
    });
    expect(join.mode).toBe('after');
    expect(join.messages.map((m) => m.text)).toEqual(['missed 1', 'missed 2', 'missed 3']);
    expect(join.hasMore).toBe(false);
  });

  it('stores a resent message once and acks it with the original id', async () => {
    const { url, store } = await harness.startServer();
    const ada = await joined(url, 'ada');
    const bob = await joined(url, 'bob');
    const received = collect<Message>(bob, 'message');
    const payload = { room: 'general', text: 'only once', clientId: 'retry-1' };
    const first = await request<{ message: Message }>(ada, 'message:send', payload);
    const second = await request<{ message: Message }>(ada, 'message:send', payload);
    expect(second.message).toEqual(first.message);
    expect((await store.latest('general', 10)).messages).toHaveLength(1);
    // A page keeps one copy per id, whatever the number of deliveries.
    await received.until((items) => items.length >= 1);
    expect(new Set(received.items.map((m) => m.id))).toEqual(new Set([first.message.id]));
  });

  it('recovers a dropped session: rooms kept, missed messages replayed once', async () => {
    const { url } = await harness.startServer();
    const ada = harness.client(url, 'ada', { reconnection: true });
    await once(ada, 'connect');
    await request(ada, 'room:join', { room: 'general' });
    const bob = await joined(url, 'bob');
    const received = collect<Message>(ada, 'message');
    await request(bob, 'message:send', { room: 'general', text: 'seen live' });
    await received.until((items) => items.length === 1);

    // Drop the transport without a clean disconnect, as a network failure would.
    const reconnected = once(ada, 'connect', 15_000);
    ada.io.engine.close();
    await request(bob, 'message:send', { room: 'general', text: 'sent while away' });
    await reconnected;
    expect(ada.recovered).toBe(true);
    await received.until((items) => items.some((m) => m.text === 'sent while away'));
    expect(received.items.map((m) => m.text)).toEqual(['seen live', 'sent while away']);
    // Still in the room without joining again: live messages keep arriving.
    await request(bob, 'message:send', { room: 'general', text: 'after recovery' });
    await received.until((items) => items.length === 3);
    expect(received.items.map((m) => m.text)).toEqual(['seen live', 'sent while away', 'after recovery']);
  });
});
