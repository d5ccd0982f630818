import { expect, it } from 'vitest';
import type { ChatStore, RoomReadState } from '../src/store/index.js';

/** Read markers, mentions and mutes: the behaviour every ChatStore must have. */
export function readStateContract(open: () => Promise<ChatStore>): void {
  async function people(store: ChatStore) {
    const make = async (username: string) => {
      const user = await store.createUser({ username, passwordHash: 'x:y', createdAt: 1 });
      if (!user) throw new Error(`could not create ${username}`);
      return user;
    };
    return { ada: await make('ada'), bob: await make('bob') };
  }
  const post = async (store: ChatStore, room: string, from: { id: string; username: string }, text: string) =>
    (
      await store.appendMessage({
        room,
        nick: from.username,
        username: from.username,
        userId: from.id,
        text,
        ts: Date.now(),
        clientId: null,
      })
    ).message.id;
  const stateOf = async (store: ChatStore, userId: string, room: string): Promise<RoomReadState | undefined> =>
    (await store.readStates(userId)).find((state) => state.room === room);

  it('counts nothing in a public room never opened, then what others wrote after the marker', async () => {
    const store = await open();
    const { ada, bob } = await people(store);
    const first = await post(store, 'general', bob, 'one');
    await post(store, 'general', bob, 'two');
    expect(await stateOf(store, ada.id, 'general')).toEqual({
      room: 'general',
      lastRead: null,
      unread: 0,
      mentions: 0,
      muted: false,
    });
    expect(await store.markRead(ada.id, 'general', first)).toBe(first);
    await post(store, 'general', ada, 'my own does not count');
    expect(await stateOf(store, ada.id, 'general')).toMatchObject({ lastRead: first, unread: 1 });
  });

  it('moves a marker forward only, and never past the newest message of the room', async () => {
    const store = await open();
    const { ada, bob } = await people(store);
    const a = await post(store, 'general', bob, 'a');
    const b = await post(store, 'general', bob, 'b');
    expect(await store.markRead(ada.id, 'general', b)).toBe(b);
    expect(await store.markRead(ada.id, 'general', a)).toBe(b);
    expect(await store.markRead(ada.id, 'general', 1_000_000)).toBe(b);
    const c = await post(store, 'general', bob, 'c');
    // The claim of a future id did not swallow the message written since.
    expect(await stateOf(store, ada.id, 'general')).toMatchObject({ lastRead: b, unread: 1 });
    expect(await store.markRead(ada.id, 'general', c)).toBe(c);
    expect(await stateOf(store, ada.id, 'general')).toMatchObject({ unread: 0 });
  });

  it('counts every message in a private room or DM, and lists rooms the account may read only', async () => {
    const store = await open();
    const { ada, bob } = await people(store);
    await store.createRoom('dm-1-2', 5, { kind: 'dm', ownerId: null, members: [ada.id, bob.id] });
    await store.createRoom('secret', 5, { kind: 'private', ownerId: bob.id, members: [bob.id] });
    await post(store, 'dm-1-2', bob, 'hi');
    await post(store, 'dm-1-2', bob, 'there');
    await post(store, 'secret', bob, 'not for ada');
    const rooms = await store.readStates(ada.id);
    expect(rooms.map((state) => state.room)).toEqual(['dm-1-2', 'general']);
    expect(rooms[0]).toMatchObject({ lastRead: null, unread: 2, mentions: 0 });
  });

  it('counts mentions after the marker, even in a room never opened', async () => {
    const store = await open();
    const { ada, bob } = await people(store);
    await store.createRoom('lobby', 5);
    const m1 = await post(store, 'lobby', bob, '@ada look');
    await store.addMentions('lobby', m1, [ada.id]);
    await store.addMentions('lobby', m1, [ada.id]); // idempotent
    expect(await stateOf(store, ada.id, 'lobby')).toMatchObject({ unread: 0, mentions: 1 });
    await store.markRead(ada.id, 'lobby', m1);
    const m2 = await post(store, 'lobby', bob, '@ada again');
    await store.addMentions('lobby', m2, [ada.id]);
    await post(store, 'lobby', bob, 'plain');
    expect(await stateOf(store, ada.id, 'lobby')).toMatchObject({ lastRead: m1, unread: 2, mentions: 1 });
    expect(await stateOf(store, bob.id, 'lobby')).toMatchObject({ mentions: 0 });
  });

  it('mutes and unmutes per account without touching the marker', async () => {
    const store = await open();
    const { ada, bob } = await people(store);
    const id = await post(store, 'general', bob, 'x');
    await store.setMuted(ada.id, 'general', true);
    expect(await stateOf(store, ada.id, 'general')).toMatchObject({ muted: true, lastRead: null, unread: 0 });
    expect(await stateOf(store, bob.id, 'general')).toMatchObject({ muted: false });
    expect(await store.markRead(ada.id, 'general', id)).toBe(id);
    expect(await stateOf(store, ada.id, 'general')).toMatchObject({ muted: true, lastRead: id });
    await store.setMuted(ada.id, 'general', false);
    expect(await stateOf(store, ada.id, 'general')).toMatchObject({ muted: false, lastRead: id });
  });

  it('caps the counts', async () => {
    const store = await open();
    const { ada, bob } = await people(store);
    await store.createRoom('dm-1-2', 5, { kind: 'dm', ownerId: null, members: [ada.id, bob.id] });
    for (let i = 0; i < 105; i++) await post(store, 'dm-1-2', bob, `m${i}`);
    expect(await stateOf(store, ada.id, 'dm-1-2')).toMatchObject({ unread: 100 });
  });
}
