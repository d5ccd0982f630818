import { expect, it } from 'vitest';
import type { ChatStore } from '../src/store/index.js';

/**
 * The one message of a database from before accounts (nickname only, inserted by each store's own
 * SQL), as the store reads it once migrated.
 */
export const MESSAGE_FROM_BEFORE_ACCOUNTS = {
  id: 1,
  room: 'general',
  nick: 'Zoë 李',
  username: null,
  userId: null,
  text: 'from before',
  ts: 2,
  clientId: 'c',
};

/**
 * The behaviour every ChatStore must have, run against each implementation.
 * `open` returns a fresh, initialised store with no messages.
 */
export function storeContract(open: () => Promise<ChatStore>): void {
  it('creates the default room, idempotently', async () => {
    const store = await open();
    await store.init();
    const rooms = await store.listRooms();
    expect(rooms.map((room) => room.name)).toEqual(['general']);
    expect(await store.roomExists('general')).toBe(true);
    expect(await store.roomExists('nope')).toBe(false);
  });

  it('creates rooms once and reports existing ones', async () => {
    const store = await open();
    const first = await store.createRoom('project-x', 1000);
    const room = { name: 'project-x', createdAt: 1000, kind: 'public', ownerId: null };
    expect(first).toEqual({ room, created: true });
    const again = await store.createRoom('project-x', 2000);
    expect(again).toEqual({ room, created: false });
    expect((await store.listRooms()).map((room) => room.name)).toEqual(['general', 'project-x']);
  });

  it('appends messages with increasing ids and exact content', async () => {
    const store = await open();
    const text = 'multi\nline <b>not html</b> "quotes" 👋';
    const a = await store.appendMessage({ room: 'general', nick: 'ada', text, ts: 1234, clientId: 'c1' });
    const b = await store.appendMessage({ room: 'general', nick: 'bob', text: 'second', ts: 1235, clientId: null });
    expect(a.duplicate).toBe(false);
    expect(a.message).toEqual({
      id: a.message.id,
      room: 'general',
      nick: 'ada',
      username: null,
      userId: null,
      text,
      ts: 1234,
      clientId: 'c1',
    });
    expect(b.message.id).toBeGreaterThan(a.message.id);
    expect((await store.latest('general', 50)).messages).toEqual([a.message, b.message]);
  });

  it('stores a resent message (same room, nick and clientId) only once', async () => {
    const store = await open();
    const first = await store.appendMessage({ room: 'general', nick: 'ada', text: 'hi', ts: 1, clientId: 'same' });
    const resend = await store.appendMessage({ room: 'general', nick: 'ada', text: 'hi', ts: 2, clientId: 'same' });
    expect(resend).toEqual({ message: first.message, duplicate: true });
    // The key is scoped to the sender: another nick with the same clientId is another message.
    const other = await store.appendMessage({ room: 'general', nick: 'bob', text: 'hi', ts: 3, clientId: 'same' });
    expect(other.duplicate).toBe(false);
    // Messages without a clientId never collide.
    await store.appendMessage({ room: 'general', nick: 'ada', text: 'x', ts: 4, clientId: null });
    await store.appendMessage({ room: 'general', nick: 'ada', text: 'x', ts: 5, clientId: null });
    expect((await store.latest('general', 50)).messages).toHaveLength(4);
  });

  it('refuses a message for a room that does not exist', async () => {
    const store = await open();
    await expect(
      store.appendMessage({ room: 'missing', nick: 'ada', text: 'hi', ts: 1, clientId: null }),
    ).rejects.toThrow();
    // The failure leaves the store usable.
    const ok = await store.appendMessage({ room: 'general', nick: 'ada', text: 'fine', ts: 2, clientId: null });
    expect((await store.latest('general', 5)).messages).toEqual([ok.message]);
  });

  it('pages history newest-first and catches up oldest-first, per room', async () => {
    const store = await open();
    await store.createRoom('other', 1);
    const ids: number[] = [];
    for (let i = 0; i < 120; i++) {
      const { message } = await store.appendMessage({
        room: 'general',
        nick: 'n',
        text: `m${i}`,
        ts: i,
        clientId: null,
      });
      ids.push(message.id);
      if (i % 10 === 0)
        await store.appendMessage({ room: 'other', nick: 'n', text: 'elsewhere', ts: i, clientId: null });
    }
    const latest = await store.latest('general', 50);
    expect(latest.hasMore).toBe(true);
    expect(latest.messages.map((m) => m.id)).toEqual(ids.slice(70));

    const older = await store.before('general', latest.messages[0].id, 50);
    expect(older.hasMore).toBe(true);
    expect(older.messages.map((m) => m.id)).toEqual(ids.slice(20, 70));

    const oldest = await store.before('general', older.messages[0].id, 50);
    expect(oldest.hasMore).toBe(false);
    expect(oldest.messages.map((m) => m.text)).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));

    const after = await store.after('general', ids[99], 15);
    expect(after.hasMore).toBe(true);
    expect(after.messages.map((m) => m.id)).toEqual(ids.slice(100, 115));
    const rest = await store.after('general', ids[114], 15);
    expect(rest).toEqual({ messages: (await store.latest('general', 5)).messages, hasMore: false });
    expect(await store.after('general', ids[119], 15)).toEqual({ messages: [], hasMore: false });

    const other = await store.latest('other', 50);
    expect(other.messages).toHaveLength(12);
    expect(other.messages.every((m) => m.room === 'other')).toBe(true);
  });

  it('pages exactly at the limit without claiming more', async () => {
    const store = await open();
    for (let i = 0; i < 50; i++)
      await store.appendMessage({ room: 'general', nick: 'n', text: `${i}`, ts: i, clientId: null });
    const page = await store.latest('general', 50);
    expect(page.messages).toHaveLength(50);
    expect(page.hasMore).toBe(false);
  });

  it('creates accounts with case-insensitively unique usernames', async () => {
    const store = await open();
    const ada = await store.createUser({ username: 'Ada', passwordHash: 'h1', createdAt: 10 });
    expect(ada).toEqual({ id: expect.any(String), username: 'Ada', createdAt: 10 });
    expect(await store.createUser({ username: 'ada', passwordHash: 'h2', createdAt: 11 })).toBeNull();
    expect(await store.createUser({ username: 'ADA', passwordHash: 'h3', createdAt: 12 })).toBeNull();
    expect(await store.findUserCredentials('aDa')).toEqual({ user: ada, passwordHash: 'h1' });
    expect(await store.findUserCredentials('bob')).toBeNull();
  });

  it('keeps sessions by token hash until they expire or are deleted', async () => {
    const store = await open();
    const ada = await store.createUser({ username: 'ada', passwordHash: 'h', createdAt: 1 });
    if (!ada) throw new Error('not created');
    await store.createSession({ tokenHash: 't1', userId: ada.id, createdAt: 100, expiresAt: 1000 });
    await store.createSession({ tokenHash: 't2', userId: ada.id, createdAt: 100, expiresAt: 1000 });
    const live = await store.findSession('t1', 999);
    expect(live).toEqual({ id: expect.any(String), user: ada, expiresAt: 1000 });
    expect(await store.findSession('t1', 1000)).toBeNull();
    expect(await store.findSession('nope', 0)).toBeNull();
    expect(await store.deleteSession('t1')).toBe(live?.id);
    expect(await store.deleteSession('t1')).toBeNull();
    expect(await store.findSession('t1', 0)).toBeNull();
    // Another session of the same user is untouched.
    expect((await store.findSession('t2', 0))?.user).toEqual(ada);
  });

  it('changes a password and ends the account’s other sessions in one step', async () => {
    const store = await open();
    const ada = await store.createUser({ username: 'ada', passwordHash: 'old', createdAt: 1 });
    const bob = await store.createUser({ username: 'bob', passwordHash: 'bob', createdAt: 1 });
    if (!ada || !bob) throw new Error('not created');
    for (const [tokenHash, user] of [
      ['here', ada],
      ['phone', ada],
      ['laptop', ada],
      ['bobs', bob],
    ] as const) {
      await store.createSession({ tokenHash, userId: user.id, createdAt: 100, expiresAt: 1000 });
    }
    const ended = [(await store.findSession('phone', 0))?.id, (await store.findSession('laptop', 0))?.id];
    expect((await store.changePassword(ada.id, 'new', 'here')).sort()).toEqual(ended.sort());
    expect(await store.findUserCredentials('ada')).toEqual({ user: ada, passwordHash: 'new' });
    expect(await store.findSession('phone', 0)).toBeNull();
    expect(await store.findSession('laptop', 0)).toBeNull();
    expect((await store.findSession('here', 0))?.user).toEqual(ada);
    // Another account is untouched; an unknown account changes nothing.
    expect(await store.findUserCredentials('bob')).toEqual({ user: bob, passwordHash: 'bob' });
    expect((await store.findSession('bobs', 0))?.user).toEqual(bob);
    expect(await store.changePassword(ada.id, 'newer', 'here')).toEqual([]);
    expect(await store.changePassword('999999', 'x', 'bobs')).toEqual([]);
    expect((await store.findSession('bobs', 0))?.user).toEqual(bob);
  });

  it('stores the sender account with a message', async () => {
    const store = await open();
    const ada = await store.createUser({ username: 'ada', passwordHash: 'h', createdAt: 1 });
    if (!ada) throw new Error('not created');
    const { message } = await store.appendMessage({
      room: 'general',
      nick: 'ada',
      username: 'ada',
      userId: ada.id,
      text: 'signed',
      ts: 5,
      clientId: null,
    });
    expect(message).toMatchObject({ nick: 'ada', username: 'ada', userId: ada.id });
    expect((await store.latest('general', 5)).messages).toEqual([message]);
  });

  it('keeps private rooms and DMs to their members', async () => {
    const store = await open();
    const ada = await store.createUser({ username: 'ada', passwordHash: 'h', createdAt: 1 });
    const bob = await store.createUser({ username: 'bob', passwordHash: 'h', createdAt: 1 });
    const eve = await store.createUser({ username: 'eve', passwordHash: 'h', createdAt: 1 });
    if (!ada || !bob || !eve) throw new Error('not created');
    const { room } = await store.createRoom('secret', 5, { kind: 'private', ownerId: ada.id, members: [ada.id] });
    expect(room).toEqual({ name: 'secret', createdAt: 5, kind: 'private', ownerId: ada.id });
    await store.createRoom('dm-x', 6, { kind: 'dm', ownerId: null, members: [ada.id, bob.id] });
    const names = async (id: string | null) => (await store.listRooms(id)).map((r) => r.name);
    expect(await names(ada.id)).toEqual(['dm-x', 'general', 'secret']);
    expect((await store.listRooms(bob.id)).find((r) => r.name === 'dm-x')?.members).toEqual(['ada', 'bob']);
    expect(await names(bob.id)).toEqual(['dm-x', 'general']);
    expect(await names(eve.id)).toEqual(['general']);
    expect(await names(null)).toEqual(['general']);
    expect(await store.roomAccess('secret', eve.id)).toEqual({ room, member: false });
    expect(await store.roomAccess('secret', ada.id)).toEqual({ room, member: true });
    expect(await store.roomAccess('nope', ada.id)).toBeNull();
    expect(await store.addMember('secret', bob.id)).toBe(true);
    expect(await store.addMember('secret', bob.id)).toBe(false);
    expect(await names(bob.id)).toEqual(['dm-x', 'general', 'secret']);
    // A private room's members are listed to its members (its owner's Remove dialog suggests them).
    await store.addMember('secret', eve.id);
    const secret = async (id: string) => (await store.listRooms(id)).find((r) => r.name === 'secret');
    expect(await secret(ada.id)).toEqual({ ...room, members: ['ada', 'bob', 'eve'] });
    expect((await secret(eve.id))?.members).toEqual(['ada', 'bob', 'eve']);
    expect((await store.listRooms(ada.id)).find((r) => r.name === 'general')?.members).toBeUndefined();
    expect(await store.removeMember('secret', eve.id)).toBe(true);
    expect((await secret(ada.id))?.members).toEqual(['ada', 'bob']);
    expect(await store.removeMember('secret', bob.id)).toBe(true);
    expect(await store.removeMember('secret', bob.id)).toBe(false);
    expect((await store.roomAccess('secret', bob.id))?.member).toBe(false);
    expect(await store.findUser('BOB')).toEqual(bob);
    expect(await store.findUser('nobody')).toBeNull();
  });

  it('says which of a list of file ids are stored, in any number, and forgets a deleted message’s file', async () => {
    const store = await open();
    const id = (n: number) => n.toString(16).padStart(32, '0');
    const attachment = (n: number) => ({ id: id(n), name: `f${n}.bin`, type: 'application/octet-stream', size: 1 });
    const kept = await store.appendMessageWithFile(
      { room: 'general', nick: 'ada', text: '', ts: 1, clientId: null },
      { attachment: attachment(7), data: null },
    );
    await store.appendMessageWithFile(
      { room: 'general', nick: 'ada', text: '', ts: 2, clientId: null },
      { attachment: attachment(1500), data: new Uint8Array([1]) },
    );
    expect(await store.existingFileIds([])).toEqual(new Set());
    // More ids than one query takes on either store; the stored ones far apart in the list.
    const asked = Array.from({ length: 2100 }, (_, n) => id(n));
    expect(await store.existingFileIds(asked)).toEqual(new Set([id(7), id(1500)]));
    expect(await store.existingFileIds([id(9), "'); DROP TABLE files; --"])).toEqual(new Set());
    await store.deleteMessage('general', kept.message.id, 3);
    expect(await store.existingFileIds([id(7), id(1500)])).toEqual(new Set([id(1500)]));
  });
}
