/**
 * The sweep of UPLOAD_DIR for files no stored row points at (uploads/orphan-sweep.ts), on a real
 * chat server started over a directory and a database prepared beforehand.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startChatServer } from '../src/app.js';
import { SqliteStore } from '../src/store/index.js';
import { Harness, tempDir } from './helpers.js';

const harness = new Harness();
afterEach(async () => {
  await harness.closeAll();
  vi.restoreAllMocks();
});

const HOUR = 60 * 60_000;
const log = console.log.bind(console);

/** Resolves with the first line the chat logs that matches `pattern` (the log line is the sweep's only output). */
function logged(pattern: RegExp): Promise<string> {
  return new Promise((resolve) => {
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      const line = args.map(String).join(' ');
      if (pattern.test(line)) resolve(line);
      else log(...args);
    });
  });
}

/** Writes a file in `dir` whose last write was `ageMs` ago. */
function put(dir: string, name: string, ageMs: number): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, 'bytes');
  const when = new Date(Date.now() - ageMs);
  fs.utimesSync(file, when, when);
  return file;
}

/** A database holding one message whose file is kept in UPLOAD_DIR under `id`. */
async function databaseWithFile(dbFile: string, id: string): Promise<void> {
  const store = new SqliteStore(dbFile);
  await store.init();
  await store.appendMessageWithFile(
    { room: 'general', nick: 'ada', text: '', ts: Date.now() - 3 * HOUR, clientId: null },
    { attachment: { id, name: 'plan.pdf', type: 'application/pdf', size: 5 }, data: null },
  );
  await store.close();
}

async function startChat(dbFile: string, dir: string, orphanSweep?: { minAgeMs?: number; everyMs?: number }) {
  const server = await startChatServer({
    store: new SqliteStore(dbFile),
    port: 0,
    host: '127.0.0.1',
    uploads: { dir, ...(orphanSweep ? { orphanSweep } : {}) },
  });
  harness.defer(() => server.close());
  return server;
}

describe('orphan files in UPLOAD_DIR', () => {
  it('are erased at start once over an hour old; referenced, young and foreign files stay', async () => {
    const tmp = tempDir('parley-sweep-');
    harness.defer(() => tmp.remove());
    const dbFile = path.join(tmp.dir, 'chat.db');
    const dir = path.join(tmp.dir, 'uploads');
    fs.mkdirSync(dir);
    const referencedId = 'a'.repeat(32);
    await databaseWithFile(dbFile, referencedId);
    const referenced = put(dir, referencedId, 3 * HOUR);
    // Left by a crash after a committed deletion, or by an upload whose commit failed.
    const oldOrphan = put(dir, 'b'.repeat(32), 2 * HOUR);
    // A write cut short by a crash.
    const oldPartial = put(dir, `${'c'.repeat(32)}.partial`, 2 * HOUR);
    // Perhaps an upload in flight on another node: its bytes are written before its row commits.
    const freshOrphan = put(dir, 'd'.repeat(32), 5 * 60_000);
    const freshPartial = put(dir, `${'e'.repeat(32)}.partial`, 1000);
    // Not a file id: not the chat's to erase.
    const foreign = [put(dir, 'README.txt', 5 * HOUR), put(dir, 'F'.repeat(32), 5 * HOUR)];
    fs.mkdirSync(path.join(dir, 'f'.repeat(32)));

    const swept = logged(/^uploads: swept/);
    await startChat(dbFile, dir);
    expect(await swept).toBe(
      `uploads: swept 2 orphan files from ${dir} (no message points at them; written over 1 hour ago)`,
    );
    expect(fs.existsSync(oldOrphan)).toBe(false);
    expect(fs.existsSync(oldPartial)).toBe(false);
    for (const kept of [referenced, freshOrphan, freshPartial, ...foreign]) expect(fs.existsSync(kept)).toBe(true);
    expect(fs.statSync(path.join(dir, 'f'.repeat(32))).isDirectory()).toBe(true);
  });

  it('says so when there is nothing to sweep, also before the first upload created the directory', async () => {
    const tmp = tempDir('parley-sweep-');
    harness.defer(() => tmp.remove());
    const dir = path.join(tmp.dir, 'not-yet');
    const swept = logged(/^uploads: swept/);
    await startChat(path.join(tmp.dir, 'chat.db'), dir);
    expect(await swept).toMatch(/^uploads: swept 0 orphan files from /);
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('sweeps again on its timer while the chat runs', async () => {
    const tmp = tempDir('parley-sweep-');
    harness.defer(() => tmp.remove());
    const dir = path.join(tmp.dir, 'uploads');
    fs.mkdirSync(dir);
    const atStart = logged(/^uploads: swept/);
    await startChat(path.join(tmp.dir, 'chat.db'), dir, { everyMs: 50 });
    await atStart;
    // Appears while the chat runs, already old (as after a crash of another node).
    const later = put(dir, '0'.repeat(32), 2 * HOUR);
    expect(await logged(/^uploads: swept 1 orphan file /)).toContain(dir);
    expect(fs.existsSync(later)).toBe(false);
  });
});
