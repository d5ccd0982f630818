import { expect, it } from 'vitest';
import type { ChatStore, NewMessage } from '../src/store/index.js';

/** A message from `ada` to append. */
export function newMessage(text: string, clientId: string | null, room = 'general'): NewMessage {
  return { room, nick: 'ada', username: 'ada', userId: null, text, ts: 1, clientId };
}

/**
 * Appends sent at the same time, which both stores commit in groups: every caller gets its own
 * row, ids follow the order of submission, duplicates are recognised within a group, and one bad
 * message fails alone. `open` returns a fresh, initialised store with no messages.
 */
export function concurrentAppendsContract(open: () => Promise<ChatStore>): void {
  const message = newMessage;

  it('stores every one of many concurrent appends, with increasing ids in submission order', async () => {
    const store = await open();
    // Every third message has no client id: those can never conflict.
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => store.appendMessage(message(`m${i}`, i % 3 === 0 ? null : `c${i}`))),
    );
    expect(results.map((result) => result.message.text)).toEqual(Array.from({ length: 40 }, (_, i) => `m${i}`));
    const ids = results.map((result) => result.message.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(40);
    expect(results.every((result) => !result.duplicate)).toBe(true);
    const page = await store.latest('general', 100);
    expect(page.messages.map((m) => m.text)).toEqual(Array.from({ length: 40 }, (_, i) => `m${i}`));
  });

  it('recognises a duplicate sent twice at the same time', async () => {
    const store = await open();
    const [first, again, other] = await Promise.all([
      store.appendMessage(message('hi', 'same')),
      store.appendMessage(message('hi (resent)', 'same')),
      store.appendMessage(message('other', 'different')),
    ]);
    expect(first.duplicate).toBe(false);
    expect(again).toEqual({ message: first.message, duplicate: true });
    expect(other.duplicate).toBe(false);
    expect((await store.latest('general', 10)).messages.map((m) => m.text)).toEqual(['hi', 'other']);
  });

  it('fails only the caller whose insert fails; the others sent with it are stored', async () => {
    const store = await open();
    const outcomes = await Promise.allSettled([
      store.appendMessage(message('before', 'a')),
      store.appendMessage(message('nowhere', 'b', 'no-such-room')),
      store.appendMessage(message('after', 'c')),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((await store.latest('general', 10)).messages.map((m) => m.text)).toEqual(['before', 'after']);
    expect((await store.latest('no-such-room', 10)).messages).toEqual([]);
  });
}
