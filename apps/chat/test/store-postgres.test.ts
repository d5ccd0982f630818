import pg from 'pg';
import type { Socket as ClientSocket } from 'socket.io-client';
import { io as connect } from 'socket.io-client';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startChatServer } from '../src/app.js';
import { PostgresStore } from '../src/store/index.js';
import { accountsContract } from './accounts-contract.js';
import { attachmentsContract } from './attachments-contract.js';
import { concurrentAppendsContract } from './concurrent-appends-contract.js';
import { once, request, sessionCookieFor } from './helpers.js';
import { messageChangesContract } from './message-changes-contract.js';
import { readStateContract } from './read-state-contract.js';
import { searchContract } from './search-contract.js';
import { dropSchema, findDatabase } from './services.js';
import { skipLocally } from './skip-locally.js';
import { MESSAGE_FROM_BEFORE_ACCOUNTS, storeContract } from './store-contract.js';

/**
 * Runs against PostgreSQL on 127.0.0.1:5432, database `test` (override with TEST_DATABASE_URL).
 * Each test works in its own schema, dropped afterwards. Without a reachable server the suite is
 * skipped locally, and fails in CI (where PostgreSQL must be running).
 */
const found = await findDatabase();
const databaseUrl = found.databaseUrl ?? '';

describe.skipIf(skipLocally('the PostgreSQL store tests', found.error))('PostgresStore', () => {
  beforeAll(() => {
    if (found.error) throw new Error(found.error);
  });
  const stores: PostgresStore[] = [];
  const schemas: string[] = [];
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    for (const schema of schemas.splice(0)) await dropSchema(databaseUrl, schema);
  });

  const openStore = async (): Promise<PostgresStore> => {
    const schema = `chat_test_${process.pid}_${Date.now().toString(36)}_${schemas.length}`;
    schemas.push(schema);
    const store = new PostgresStore({ connectionString: databaseUrl, schema, max: 2 });
    stores.push(store);
    await store.init();
    return store;
  };

  storeContract(openStore);
  messageChangesContract(openStore);
  readStateContract(openStore);
  searchContract(openStore);
  attachmentsContract(openStore);

  describe('concurrent appends (group commit)', () => {
    concurrentAppendsContract(openStore);

    it('commits messages sent meanwhile together: fewer transactions than messages', async () => {
      const store = await openStore();
      const sent = 60;
      await Promise.all(
        Array.from({ length: sent }, (_, i) =>
          store.appendMessage({ room: 'general', nick: 'ada', text: `m${i}`, ts: i, clientId: `c${i}` }),
        ),
      );
      // Rows written by one transaction share its id (xmin).
      const admin = new pg.Client({ connectionString: databaseUrl });
      await admin.connect();
      try {
        const { rows } = await admin.query(
          `SELECT count(*)::int AS messages, count(DISTINCT xmin::text)::int AS transactions FROM ${schemas.at(-1)}.messages`,
        );
        expect(rows[0].messages).toBe(sent);
        expect(rows[0].transactions).toBeLessThan(sent / 4);
      } finally {
        await admin.end();
      }
    });
  });

  describe('accounts on PostgreSQL', () => {
    const cleanups: (() => unknown)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });
    accountsContract(
      async () => {
        const server = await startChatServer({ store: await openStore(), port: 0, host: '127.0.0.1', trustProxy: 1 });
        cleanups.push(() => server.close());
        return { server, url: `http://127.0.0.1:${server.port}` };
      },
      (cleanup) => cleanups.push(cleanup),
    );
  });

  it('opens a database from before accounts; its messages keep their nicknames', async () => {
    const schema = `chat_test_${process.pid}_${Date.now().toString(36)}_old`;
    schemas.push(schema);
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    try {
      // The schema as the first release created it, with one message.
      await admin.query(`CREATE SCHEMA ${schema}`);
      await admin.query(`SET search_path = ${schema}`);
      await admin.query(`
          CREATE TABLE rooms (name TEXT PRIMARY KEY, created_at BIGINT NOT NULL);
          CREATE TABLE messages (id BIGSERIAL PRIMARY KEY, room TEXT NOT NULL REFERENCES rooms(name),
            nick TEXT NOT NULL, text TEXT NOT NULL, ts BIGINT NOT NULL, client_id TEXT);
          CREATE INDEX messages_by_room ON messages(room, id);
          CREATE UNIQUE INDEX messages_by_client ON messages(room, nick, client_id);
          INSERT INTO rooms VALUES ('general', 1);
          INSERT INTO messages(room, nick, text, ts, client_id) VALUES ('general', 'Zoë 李', 'from before', 2, 'c');`);
    } finally {
      await admin.end();
    }
    const store = new PostgresStore({ connectionString: databaseUrl, schema, max: 2 });
    stores.push(store);
    await store.init();
    await store.init();
    expect((await store.latest('general', 10)).messages).toEqual([MESSAGE_FROM_BEFORE_ACCOUNTS]);
    expect(await store.createUser({ username: 'ada', passwordHash: 'h', createdAt: 3 })).not.toBeNull();
  });

  it('serves the chat: messages sent through sockets are stored and caught up', async () => {
    const store = await openStore();
    const server = await startChatServer({ store, port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${server.port}`;
    const clients: ClientSocket[] = [];
    try {
      const connectAs = async (nick: string) => {
        const socket = connect(url, {
          extraHeaders: { Cookie: await sessionCookieFor(url, nick) },
          transports: ['websocket'],
          reconnection: false,
          forceNew: true,
        });
        clients.push(socket);
        await once(socket, 'connect');
        await request(socket, 'room:join', { room: 'general' });
        return socket;
      };
      const ada = await connectAs('ada');
      const bob = await connectAs('bob');
      const sent = await request<{ message: { id: number } }>(ada, 'message:send', { room: 'general', text: 'one' });
      await request(bob, 'message:send', { room: 'general', text: 'two', clientId: 'b1' });
      await request(bob, 'message:send', { room: 'general', text: 'two', clientId: 'b1' });
      const page = await request<{ messages: { text: string }[] }>(ada, 'history:after', {
        room: 'general',
        after: sent.message.id,
      });
      expect(page.messages.map((m) => m.text)).toEqual(['two']);
    } finally {
      for (const socket of clients) socket.disconnect();
      await server.close();
    }
  });
});
