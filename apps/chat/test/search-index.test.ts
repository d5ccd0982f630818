/**
 * The search index follows the messages table by itself: rows updated or deleted by any code (here
 * plain SQL behind the store's back, as a later edit or moderation feature would) are found by
 * their new text and no longer by the old, and a database from before search gets indexed on open.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresStore, SqliteStore } from '../src/store/index.js';
import { tempDir } from './helpers.js';
import { findDatabase } from './services.js';
import { skipLocally } from './skip-locally.js';

const { Database } = createRequire(import.meta.url)('node-sqlite3-wasm') as typeof import('node-sqlite3-wasm');
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const found = (store: SqliteStore | PostgresStore, term: string) =>
  store.searchMessages({ terms: [term], userId: null, limit: 10 }).then((page) => page.messages.map((m) => m.text));

/** Two messages, for a test to revise and delete behind the store's back; resolves with the first one's id. */
async function appendRevisedAndDoomed(store: SqliteStore | PostgresStore): Promise<number> {
  const original = { room: 'general', nick: 'ada', text: 'original wording', ts: 1, clientId: null };
  const { message } = await store.appendMessage(original);
  await store.appendMessage({ room: 'general', nick: 'ada', text: 'doomed message', ts: 2, clientId: null });
  return message.id;
}

describe('SQLite search index', () => {
  function file(): string {
    const tmp = tempDir('parley-search-');
    cleanups.push(() => tmp.remove());
    return path.join(tmp.dir, 'chat.db');
  }
  async function open(at: string): Promise<SqliteStore> {
    const store = new SqliteStore(at);
    await store.init();
    cleanups.push(() => store.close());
    return store;
  }

  it('follows UPDATE of text and DELETE made by any code', async () => {
    const at = file();
    const store = await open(at);
    const id = await appendRevisedAndDoomed(store);
    await store.close();
    const raw = new Database(at);
    raw.run('UPDATE messages SET text = ? WHERE id = ?', ['revised wording', id]);
    raw.run("DELETE FROM messages WHERE text = 'doomed message'");
    raw.close();
    const reopened = await open(at);
    expect(await found(reopened, 'original')).toEqual([]);
    expect(await found(reopened, 'revised')).toEqual(['revised wording']);
    expect(await found(reopened, 'wording')).toEqual(['revised wording']);
    expect(await found(reopened, 'doomed')).toEqual([]);
  });

  it('indexes the messages of a database from before search when it opens', async () => {
    const at = file();
    const store = await open(at);
    await store.appendMessage({ room: 'general', nick: 'ada', text: 'written before search', ts: 1, clientId: null });
    await store.close();
    const raw = new Database(at);
    raw.exec(
      'DROP TRIGGER messages_fts_insert; DROP TRIGGER messages_fts_update; DROP TRIGGER messages_fts_delete; DROP TABLE messages_fts;',
    );
    raw.close();
    expect(await found(await open(at), 'before')).toEqual(['written before search']);
  });
});

const postgres = await findDatabase();

describe.skipIf(skipLocally('the PostgreSQL search index test', postgres.error))('PostgreSQL search index', () => {
  it('follows UPDATE of text and DELETE made by any code', async () => {
    const databaseUrl = postgres.databaseUrl;
    if (!databaseUrl) throw new Error(postgres.error);
    const schema = `search_test_${process.pid}_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    cleanups.push(async () => {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    });
    const store = new PostgresStore({ connectionString: databaseUrl, schema, max: 1 });
    cleanups.push(() => store.close());
    await store.init();
    const id = await appendRevisedAndDoomed(store);
    await admin.query(`UPDATE ${schema}.messages SET text = $1 WHERE id = $2`, ['revised wording', id]);
    await admin.query(`DELETE FROM ${schema}.messages WHERE text = 'doomed message'`);
    expect(await found(store, 'original')).toEqual([]);
    expect(await found(store, 'revised')).toEqual(['revised wording']);
    expect(await found(store, 'doomed')).toEqual([]);
    // The query is served by the GIN index on the expression, not a scan of every row's text.
    const plan = await admin.query(
      `SET search_path = ${schema}; SET enable_seqscan = off;
       EXPLAIN SELECT id FROM messages WHERE to_tsvector('simple', text) @@ to_tsquery('simple', 'revised:*')`,
    );
    const lines = (plan as unknown as pg.QueryResult[]).at(-1)?.rows.map((row) => row['QUERY PLAN']) ?? [];
    expect(lines.join('\n')).toContain('messages_search');
  });
});
