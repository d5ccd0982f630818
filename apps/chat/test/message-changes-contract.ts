import { expect, it } from 'vitest';
import type { ChatStore } from '../src/store/index.js';

/**
 * Message changes every ChatStore must support (edit, delete, reactions, replies, catch-up by room
 * revision). `open` returns a fresh, initialised store with no messages.
 */
export function messageChangesContract(open: () => Promise<ChatStore>): void {
  async function twoUsers(store: ChatStore) {
    const ada = await store.createUser({ username: 'ada', passwordHash: 'h', createdAt: 1 });
    const bob = await store.createUser({ username: 'bob', passwordHash: 'h', createdAt: 1 });
    if (!ada || !bob) throw new Error('not created');
    return { ada: { userId: ada.id, username: 'ada' }, bob: { userId: bob.id, username: 'bob' } };
  }
  const post = (store: ChatStore, text: string, room = 'general') =>
    store.appendMessage({ room, nick: 'ada', text, ts: 10, clientId: null }).then((result) => result.message);

  it('edits a message, bumping the room revision; deleted or foreign-room messages are refused', async () => {
    const store = await open();
    await store.createRoom('other', 1);
    const first = await post(store, 'helo');
    expect(await store.roomRevision('general')).toBe(0);
    const edited = await store.editMessage('general', first.id, 'hello', 20);
    expect(edited).toEqual({ ...first, text: 'hello', editedAt: 20, rev: 1 });
    expect(await store.roomRevision('general')).toBe(1);
    expect(await store.roomRevision('other')).toBe(0);
    // History carries the latest state.
    expect((await store.latest('general', 10)).messages).toEqual([edited]);
    expect(await store.editMessage('other', first.id, 'wrong room', 30)).toBeNull();
    expect(await store.editMessage('general', 999_999, 'missing', 30)).toBeNull();
    expect(await store.messagesByIds('other', [first.id])).toEqual([]);
  });

  it('deletes a message for good: text and reactions gone, later changes refused', async () => {
    const store = await open();
    const { bob } = await twoUsers(store);
    const message = await post(store, 'oops, my password');
    await store.setReaction('general', message.id, bob, '👍', true, 11);
    const deleted = await store.deleteMessage('general', message.id, 30);
    expect(deleted).toEqual({ ...message, text: '', deletedAt: 30, rev: 2 });
    expect(await store.deleteMessage('general', message.id, 31)).toBeNull();
    expect(await store.editMessage('general', message.id, 'back', 32)).toBeNull();
    expect(await store.setReaction('general', message.id, bob, '👍', true, 33)).toBeNull();
    expect((await store.messagesByIds('general', [message.id]))[0]).toEqual(deleted);
  });

  it('keeps reactions per account and emoji, in the order they were added', async () => {
    const store = await open();
    const { ada, bob } = await twoUsers(store);
    const message = await post(store, 'lunch?');
    const one = await store.setReaction('general', message.id, bob, '👍', true, 11);
    expect(one).toEqual({
      message: { ...message, rev: 1, reactions: [{ emoji: '👍', usernames: ['bob'] }] },
      changed: true,
    });
    // The same reaction again changes nothing (and bumps nothing).
    expect(await store.setReaction('general', message.id, bob, '👍', true, 12)).toEqual({
      message: one?.message,
      changed: false,
    });
    await store.setReaction('general', message.id, ada, '🎉', true, 13);
    const three = await store.setReaction('general', message.id, ada, '👍', true, 14);
    expect(three?.message.reactions).toEqual([
      { emoji: '👍', usernames: ['bob', 'ada'] },
      { emoji: '🎉', usernames: ['ada'] },
    ]);
    const removed = await store.setReaction('general', message.id, bob, '👍', false, 15);
    // Ordered by the earliest reaction still there: ada's 🎉 came before her 👍.
    expect(removed?.message.reactions).toEqual([
      { emoji: '🎉', usernames: ['ada'] },
      { emoji: '👍', usernames: ['ada'] },
    ]);
    await store.setReaction('general', message.id, ada, '👍', false, 16);
    const last = await store.setReaction('general', message.id, ada, '🎉', false, 17);
    expect(last?.message.reactions).toBeUndefined();
    expect(await store.setReaction('general', message.id, ada, '🎉', false, 18)).toMatchObject({ changed: false });
    expect(await store.roomRevision('general')).toBe(6);
  });

  it('lists changes after a revision, oldest change first, paged', async () => {
    const store = await open();
    const { bob } = await twoUsers(store);
    const a = await post(store, 'a');
    const b = await post(store, 'b');
    const c = await post(store, 'c');
    expect(await store.changesSince('general', 0, 10)).toEqual({ messages: [], hasMore: false, rev: 0 });
    await store.editMessage('general', c.id, 'c2', 20);
    await store.setReaction('general', a.id, bob, '❤️', true, 21);
    await store.deleteMessage('general', b.id, 22);
    await store.editMessage('general', c.id, 'c3', 23);
    const all = await store.changesSince('general', 0, 10);
    expect(all.messages.map((m) => [m.id, m.rev])).toEqual([
      [a.id, 2],
      [b.id, 3],
      [c.id, 4],
    ]);
    expect(all).toMatchObject({ hasMore: false, rev: 4 });
    const first = await store.changesSince('general', 0, 2);
    expect(first).toMatchObject({ hasMore: true, rev: 3 });
    expect(first.messages.map((m) => m.id)).toEqual([a.id, b.id]);
    const rest = await store.changesSince('general', first.rev, 2);
    expect(rest).toEqual({ messages: [all.messages[2]], hasMore: false, rev: 4 });
    expect(await store.changesSince('general', 4, 10)).toEqual({ messages: [], hasMore: false, rev: 4 });
  });

  it('stores what a message replies to, and finds messages by id', async () => {
    const store = await open();
    const original = await post(store, 'question');
    const { message: reply } = await store.appendMessage({
      room: 'general',
      nick: 'bob',
      text: 'answer',
      ts: 11,
      clientId: 'r1',
      replyTo: original.id,
    });
    expect(reply.replyTo).toBe(original.id);
    expect((await store.latest('general', 10)).messages).toEqual([original, reply]);
    expect(await store.messagesByIds('general', [reply.id, original.id, 424_242])).toEqual([original, reply]);
    expect(await store.messagesByIds('general', [])).toEqual([]);
  });
}
