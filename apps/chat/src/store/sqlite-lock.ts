import fs from 'node:fs';
import { StoreError } from './types.js';

/**
 * Single-owner guard for an SQLite file opened through node-sqlite3-wasm.
 *
 * That binding locks a database by creating a `<file>.lock` directory, which survives a process
 * that was killed (SIGKILL, power loss) and would then refuse every later open with SQLITE_BUSY.
 * The chat's SQLite store is single-process by design (several nodes share PostgreSQL instead), so
 * we record the owning pid beside the file: a lock left by a dead owner is stale and removed; a lock
 * held by a live process is a clear error rather than a hang.
 */
export class SqliteOwnerLock {
  /** Files held by this process: a second store on the same file here would corrupt it just as well. */
  static readonly #heldHere = new Set<string>();
  readonly #dbFile: string;
  readonly #ownerFile: string;
  readonly #lockDir: string;
  #held = false;

  constructor(dbFile: string) {
    this.#dbFile = dbFile;
    this.#ownerFile = `${dbFile}.owner`;
    this.#lockDir = `${dbFile}.lock`;
  }

  acquire(): void {
    if (SqliteOwnerLock.#heldHere.has(this.#dbFile)) {
      throw new StoreError('STORE_LOCKED', `The chat database ${this.#dbFile} is already open in this process.`);
    }
    const owner = this.#readOwner();
    if (owner !== undefined && owner !== process.pid && isAlive(owner)) {
      throw new StoreError(
        'STORE_LOCKED',
        `The chat database is in use by process ${owner}. Stop it, or point CHAT_DB at another file.`,
      );
    }
    // No live owner: any lock directory is a leftover of a crash. SQLite rolls back a hot journal
    // on the next open, so removing the lock is safe.
    fs.rmSync(this.#lockDir, { recursive: true, force: true });
    fs.writeFileSync(this.#ownerFile, String(process.pid));
    SqliteOwnerLock.#heldHere.add(this.#dbFile);
    this.#held = true;
  }

  release(): void {
    if (!this.#held) return;
    this.#held = false;
    SqliteOwnerLock.#heldHere.delete(this.#dbFile);
    if (this.#readOwner() === process.pid) fs.rmSync(this.#ownerFile, { force: true });
  }

  #readOwner(): number | undefined {
    try {
      const pid = Number.parseInt(fs.readFileSync(this.#ownerFile, 'utf8'), 10);
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
