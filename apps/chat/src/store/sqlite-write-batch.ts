/**
 * Group commit for SQLite writes. With `synchronous=FULL` every commit waits for an fsync (about a
 * millisecond, far more on a busy disk), and the binding is synchronous, so one commit per message
 * stalls the whole event loop once many users send at once. Writes submitted in the same
 * event-loop turn are instead run as one transaction with one fsync; each caller is still answered
 * only after that COMMIT returned, so "stored before acknowledged" holds as before.
 *
 * Each write runs inside its own SAVEPOINT: one that throws (a bad row, a constraint) is rolled
 * back alone and fails only its caller, while the others of the batch commit. A write sees the
 * writes before it in the batch, so an idempotent insert (ON CONFLICT DO NOTHING) recognises a
 * duplicate sent twice within one batch as it would across batches. If the COMMIT itself fails,
 * nothing of the batch is stored and every caller of the batch gets that error.
 *
 * One immediate callback per batch, not per write: the cost per write is a push and a savepoint.
 */

type Settle<Result> = { resolve(value: Result): void; reject(error: unknown): void };

interface Pending<Item, Result> extends Settle<Result> {
  item: Item;
}

const SAVEPOINT = 'parley_write';

export class SqliteWriteBatch<Item, Result> {
  readonly #exec: (sql: string) => void;
  readonly #write: (item: Item) => Result;
  #pending: Pending<Item, Result>[] = [];
  #scheduled: NodeJS.Immediate | undefined;

  /**
   * `exec` runs a statement without results on the same connection as `write`, which performs
   * one write synchronously and returns what its caller is answered with.
   */
  constructor(exec: (sql: string) => void, write: (item: Item) => Result) {
    this.#exec = exec;
    this.#write = write;
  }

  /** Resolves with the write's result once the transaction holding it has committed. */
  add(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.#pending.push({ item, resolve, reject });
      // After the I/O callbacks of this turn: every message that arrived with this one joins it.
      this.#scheduled ??= setImmediate(() => this.flush());
    });
  }

  /** Writes and commits everything pending now (also called before the connection closes). */
  flush(): void {
    if (this.#scheduled !== undefined) clearImmediate(this.#scheduled);
    this.#scheduled = undefined;
    const batch = this.#pending;
    if (batch.length === 0) return;
    this.#pending = [];
    if (batch.length === 1) {
      // Alone, the write commits by itself: no transaction statements to pay for.
      const [only] = batch;
      settle(only, () => this.#write(only.item));
      return;
    }
    this.#commitTogether(batch);
  }

  #commitTogether(batch: Pending<Item, Result>[]): void {
    try {
      this.#exec('BEGIN IMMEDIATE');
    } catch (error) {
      for (const entry of batch) entry.reject(error);
      return;
    }
    const done: { entry: Pending<Item, Result>; result: Result }[] = [];
    const failed: { entry: Pending<Item, Result>; error: unknown }[] = [];
    try {
      for (const entry of batch) {
        this.#exec(`SAVEPOINT ${SAVEPOINT}`);
        try {
          done.push({ entry, result: this.#write(entry.item) });
        } catch (error) {
          // Undo this write alone; if even that fails the transaction is gone (caught below).
          this.#exec(`ROLLBACK TO ${SAVEPOINT}`);
          failed.push({ entry, error });
        }
        this.#exec(`RELEASE ${SAVEPOINT}`);
      }
      this.#exec('COMMIT');
    } catch (error) {
      this.#abandon();
      // Nothing of the batch is stored: whoever had not failed yet fails with the batch's error.
      const failedEntries = new Set(failed.map(({ entry }) => entry));
      for (const entry of batch) if (!failedEntries.has(entry)) entry.reject(error);
      for (const { entry, error: own } of failed) entry.reject(own);
      return;
    }
    for (const { entry, result } of done) entry.resolve(result);
    for (const { entry, error } of failed) entry.reject(error);
  }

  /** Rolls back whatever is left of a transaction that could not commit. */
  #abandon(): void {
    try {
      this.#exec('ROLLBACK');
    } catch {
      // SQLite already rolled it back (some errors end the transaction themselves).
    }
  }
}

function settle<Result>(target: Settle<Result>, work: () => Result): void {
  let result: Result;
  try {
    result = work();
  } catch (error) {
    target.reject(error);
    return;
  }
  target.resolve(result);
}
