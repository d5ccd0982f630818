/**
 * Group commit of the SQLite store: appends that arrive in the same event-loop turn share one
 * transaction, and each caller is answered only after that transaction committed.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/store/index.js';
import { SqliteWriteBatch } from '../src/store/sqlite-write-batch.js';
import { concurrentAppendsContract, newMessage as message } from './concurrent-appends-contract.js';
import { tempDir } from './helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function openStore(): Promise<{ store: SqliteStore; file: string }> {
  const tmp = tempDir('parley-sqlite-batch-');
  cleanups.push(() => tmp.remove());
  const file = path.join(tmp.dir, 'chat.db');
  const store = new SqliteStore(file);
  await store.init();
  cleanups.push(() => store.close());
  return { store, file };
}

describe('SqliteStore group commit', () => {
  concurrentAppendsContract(async () => (await openStore()).store);

  it('lets a read see every message submitted before it, acknowledged or not yet', async () => {
    const { store } = await openStore();
    const pending = store.appendMessage(message('just sent', 'r'));
    expect((await store.latest('general', 10)).messages.map((m) => m.text)).toEqual(['just sent']);
    expect((await store.after('general', 0, 10)).messages.map((m) => m.text)).toEqual(['just sent']);
    await pending;
  });

  it('keeps what a closing store had accepted: pending appends commit before the file closes', async () => {
    const { file } = await openStore().then(async ({ store, file }) => {
      const pending = store.appendMessage(message('last words', 'z'));
      await store.close();
      await pending;
      return { file };
    });
    const reopened = new SqliteStore(file);
    await reopened.init();
    cleanups.push(() => reopened.close());
    expect((await reopened.latest('general', 10)).messages.map((m) => m.text)).toEqual(['last words']);
  });
});

describe('SqliteWriteBatch', () => {
  function recorder(failOn?: string) {
    const statements: string[] = [];
    const exec = (sql: string) => {
      statements.push(sql);
      if (sql === failOn) throw new Error(`${sql} failed`);
    };
    return { statements, exec };
  }

  it('runs the writes of one turn in one transaction, each inside its own savepoint', async () => {
    const { statements, exec } = recorder();
    const batch = new SqliteWriteBatch<number, number>(exec, (n) => {
      statements.push(`write ${n}`);
      return n * 10;
    });
    await expect(Promise.all([batch.add(1), batch.add(2)])).resolves.toEqual([10, 20]);
    expect(statements).toEqual([
      'BEGIN IMMEDIATE',
      'SAVEPOINT parley_write',
      'write 1',
      'RELEASE parley_write',
      'SAVEPOINT parley_write',
      'write 2',
      'RELEASE parley_write',
      'COMMIT',
    ]);
  });

  it('commits a lone write by itself, without transaction statements', async () => {
    const { statements, exec } = recorder();
    const batch = new SqliteWriteBatch<number, number>(exec, (n) => n);
    await expect(batch.add(7)).resolves.toBe(7);
    expect(statements).toEqual([]);
  });

  it('answers nobody as stored when the COMMIT fails', async () => {
    const { statements, exec } = recorder('COMMIT');
    const batch = new SqliteWriteBatch<number, number>(exec, (n) => n);
    const outcomes = await Promise.allSettled([batch.add(1), batch.add(2)]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    expect(statements.at(-1)).toBe('ROLLBACK');
  });
});
