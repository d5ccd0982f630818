import { expect, it } from 'vitest';
import type { ChatStore } from '../src/store/index.js';

/**
 * Full-text search as every ChatStore must do it (`searchMessages`), run against each store.
 * `open` returns a fresh, initialised store with no messages.
 */
export function searchContract(open: () => Promise<ChatStore>): void {
  /** A store with two accounts, a public room, a private room of ada's and some messages. */
  async function seeded() {
    const store = await open();
    const ada = await store.createUser({ username: 'ada', passwordHash: 'x', createdAt: 1 });
    const bob = await store.createUser({ username: 'bob', passwordHash: 'x', createdAt: 1 });
    if (!ada || !bob) throw new Error('users not created');
    await store.createRoom('ops', 1);
    await store.createRoom('secret', 1, { kind: 'private', ownerId: ada.id, members: [ada.id] });
    const say = async (room: string, text: string) =>
      (await store.appendMessage({ room, nick: 'ada', username: 'ada', userId: ada.id, text, ts: 10, clientId: null }))
        .message;
    const messages = {
      deploy: await say('general', 'The deploy of Parley is done'),
      deploying: await say('ops', 'Deploying the Redis cluster now'),
      other: await say('general', 'Lunch at noon?'),
      secret: await say('secret', 'The secret deploy key rotates tonight'),
      accents: await say('general', 'Café crème für alle'),
    };
    return { store, ada, bob, messages };
  }
  const texts = (page: { messages: { text: string }[] }) => page.messages.map((m) => m.text);

  it('finds messages with every term as a word prefix, newest first, in the rooms the reader may read', async () => {
    const { store, ada, bob, messages } = await seeded();
    const asBob = await store.searchMessages({ terms: ['deploy'], userId: bob.id, limit: 20 });
    expect(asBob).toEqual({ messages: [messages.deploying, messages.deploy], hasMore: false });
    // A member of the private room finds its messages too.
    expect(texts(await store.searchMessages({ terms: ['deploy'], userId: ada.id, limit: 20 }))).toEqual([
      messages.secret.text,
      messages.deploying.text,
      messages.deploy.text,
    ]);
    // Without an account only public rooms are searched.
    expect(texts(await store.searchMessages({ terms: ['secret'], userId: null, limit: 20 }))).toEqual([]);
    // Every term must match.
    expect(texts(await store.searchMessages({ terms: ['deploy', 'parley'], userId: bob.id, limit: 20 }))).toEqual([
      messages.deploy.text,
    ]);
    expect(texts(await store.searchMessages({ terms: ['deploy', 'lunch'], userId: bob.id, limit: 20 }))).toEqual([]);
    // Case does not matter.
    expect(texts(await store.searchMessages({ terms: ['redis'], userId: bob.id, limit: 20 }))).toEqual([
      messages.deploying.text,
    ]);
    expect(texts(await store.searchMessages({ terms: ['café'], userId: bob.id, limit: 20 }))).toEqual([
      messages.accents.text,
    ]);
  });

  it('searches one room, and pages with beforeId', async () => {
    const { store, ada, messages } = await seeded();
    expect(texts(await store.searchMessages({ terms: ['deploy'], userId: ada.id, room: 'ops', limit: 20 }))).toEqual([
      messages.deploying.text,
    ]);
    const first = await store.searchMessages({ terms: ['deploy'], userId: ada.id, limit: 2 });
    expect(first).toEqual({ messages: [messages.secret, messages.deploying], hasMore: true });
    const next = await store.searchMessages({
      terms: ['deploy'],
      userId: ada.id,
      limit: 2,
      beforeId: messages.deploying.id,
    });
    expect(next).toEqual({ messages: [messages.deploy], hasMore: false });
  });

  it('treats search syntax in terms as plain words', async () => {
    const { store, bob } = await seeded();
    for (const term of ['"', "'", 'or', 'and', 'not', 'near', '*', ':', '&', '|', '!']) {
      await expect(store.searchMessages({ terms: [term], userId: bob.id, limit: 5 })).resolves.toMatchObject({
        hasMore: false,
      });
    }
  });

  it('finds a message as soon as it is stored', async () => {
    const { store, bob } = await seeded();
    const { message } = await store.appendMessage({
      room: 'ops',
      nick: 'bob',
      text: 'zebra crossing',
      ts: 11,
      clientId: 'z',
    });
    expect(await store.searchMessages({ terms: ['zebra'], userId: bob.id, limit: 5 })).toEqual({
      messages: [message],
      hasMore: false,
    });
  });
}
