import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore, StoreError } from '../src/store/index.js';
import { attachmentsContract } from './attachments-contract.js';
import { bundle, removeBundle } from './chat-process.js';
import { tempDir, waitFor } from './helpers.js';
import { messageChangesContract } from './message-changes-contract.js';
import { readStateContract } from './read-state-contract.js';
import { searchContract } from './search-contract.js';
import { MESSAGE_FROM_BEFORE_ACCOUNTS, storeContract } from './store-contract.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function dbPath(): string {
  const tmp = tempDir('parley-sqlite-');
  cleanups.push(() => tmp.remove());
  return path.join(tmp.dir, 'nested', 'chat.db');
}

async function openStore(file = dbPath()): Promise<SqliteStore> {
  const store = new SqliteStore(file);
  await store.init();
  cleanups.push(() => store.close());
  return store;
}

describe('SqliteStore', () => {
  storeContract(() => openStore());
  messageChangesContract(() => openStore());
  readStateContract(() => openStore());
  searchContract(() => openStore());
  attachmentsContract(() => openStore());

  it('creates the file (and its directory) on first start and keeps messages across restarts', async () => {
    const file = dbPath();
    const first = new SqliteStore(file);
    await first.init();
    expect(fs.existsSync(file)).toBe(true);
    await first.createRoom('kept', 5);
    const { message } = await first.appendMessage({
      room: 'kept',
      nick: 'ada',
      text: 'still here',
      ts: 7,
      clientId: 'k',
    });
    await first.close();

    const second = await openStore(file);
    expect(await second.roomExists('kept')).toBe(true);
    expect((await second.latest('kept', 10)).messages).toEqual([message]);
  });

  it('opens a database from before accounts; its messages keep their nicknames', async () => {
    const file = dbPath();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // The schema as the first release created it, with one message.
    const { Database } = createRequire(import.meta.url)('node-sqlite3-wasm') as typeof import('node-sqlite3-wasm');
    const old = new Database(file);
    old.exec(`
      CREATE TABLE rooms (name TEXT PRIMARY KEY, created_at INTEGER NOT NULL);
      CREATE TABLE messages (id INTEGER PRIMARY KEY AUTOINCREMENT, room TEXT NOT NULL REFERENCES rooms(name),
        nick TEXT NOT NULL, text TEXT NOT NULL, ts INTEGER NOT NULL, client_id TEXT);
      CREATE INDEX messages_by_room ON messages(room, id);
      CREATE UNIQUE INDEX messages_by_client ON messages(room, nick, client_id);
      INSERT INTO rooms VALUES ('general', 1);
      INSERT INTO messages(room, nick, text, ts, client_id) VALUES ('general', 'Zoë 李', 'from before', 2, 'c');`);
    old.close();

    const store = await openStore(file);
    expect((await store.latest('general', 10)).messages).toEqual([MESSAGE_FROM_BEFORE_ACCOUNTS]);
    const ada = await store.createUser({ username: 'ada', passwordHash: 'h', createdAt: 3 });
    await store.appendMessage({
      room: 'general',
      nick: 'ada',
      username: 'ada',
      userId: ada?.id,
      text: 'new',
      ts: 4,
      clientId: null,
    });
    await store.close();
    // Opening again (already migrated) changes nothing.
    const again = await openStore(file);
    expect((await again.latest('general', 10)).messages.map((m) => [m.nick, m.username])).toEqual([
      ['Zoë 李', null],
      ['ada', 'ada'],
    ]);
  });

  it('recovers the lock left by a process that died holding the database', async () => {
    const file = dbPath();
    const store = new SqliteStore(file);
    await store.init();
    await store.appendMessage({ room: 'general', nick: 'ada', text: 'before the crash', ts: 1, clientId: null });
    await store.close();
    // What a SIGKILLed owner leaves behind: the binding's lock directory and our owner file.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    fs.mkdirSync(`${file}.lock`);
    fs.writeFileSync(`${file}.owner`, String(dead));

    const reopened = await openStore(file);
    expect((await reopened.latest('general', 10)).messages.map((m) => m.text)).toEqual(['before the crash']);
  });

  it('keeps every acknowledged write when the process is killed (SIGKILL) without closing', async () => {
    const file = dbPath();
    const entry = await bundle(
      fileURLToPath(new URL('./fixtures/append-then-wait.ts', import.meta.url)),
      'append-then-wait',
    );
    cleanups.push(() => removeBundle(entry));

    const child = spawn(process.execPath, [entry, file, '25'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = waitFor(
      10_000,
      () => `child did not exit on SIGKILL: ${output}`,
      (resolve) => {
        child.once('exit', resolve);
        return () => child.off('exit', resolve);
      },
    );
    await waitFor(
      15_000,
      () => `child did not report: ${output}`,
      (resolve, reject) => {
        const reported = (chunk: Buffer) => {
          if (chunk.toString().includes('stored')) resolve(undefined);
        };
        const early = () => reject(new Error(`child exited early: ${output}`));
        child.stdout.on('data', reported);
        child.once('exit', early);
        return () => {
          child.stdout.off('data', reported);
          child.off('exit', early);
        };
      },
    );
    child.kill('SIGKILL');
    await exited;

    const store = await openStore(file);
    const page = await store.latest('crash', 50);
    expect(page.messages.map((m) => m.text)).toEqual(Array.from({ length: 25 }, (_, i) => `m${i}`));
  });

  it('refuses a database that a live process owns, with a clear error', async () => {
    const file = dbPath();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(`${file}.owner`, String(process.ppid));
    const store = new SqliteStore(file);
    const error = await store.init().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('STORE_LOCKED');
    expect((error as StoreError).message).toContain(String(process.ppid));
  });

  it('refuses to open the same file twice in one process', async () => {
    const file = dbPath();
    await openStore(file);
    const second = new SqliteStore(file);
    await expect(second.init()).rejects.toMatchObject({ code: 'STORE_LOCKED' });
  });

  it('uses a durable configuration: rollback journal and synchronous=FULL', async () => {
    const store = await openStore();
    expect(store.durabilitySettings()).toEqual({ journal_mode: 'delete', synchronous: 2, locking_mode: 'exclusive' });
  });
});
