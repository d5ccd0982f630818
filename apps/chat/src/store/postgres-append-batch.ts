/**
 * Group commit for message appends on PostgreSQL. Appends are serialised by one advisory lock
 * (ids must become visible in id order), so one transaction per message (BEGIN, lock, INSERT,
 * COMMIT: four round trips and a WAL flush) caps a busy room at a few hundred messages per
 * second, and every message waits behind all those queued before it.
 *
 * Instead, while one batch is being committed, the messages that arrive meanwhile wait together,
 * and the next batch stores all of them in one transaction: one lock, one multi-row INSERT, one
 * COMMIT. A message that arrives while nothing is in flight goes at once, alone, so a quiet chat
 * pays no extra latency. Each caller is answered only after its batch's COMMIT returned, so
 * "stored before acknowledged" holds as before.
 *
 * Duplicates (a client resending a message it already sent, with the same client id) are
 * recognised inside a batch as across batches: the first copy is stored, the others are answered
 * with the stored row and `duplicate: true`. If a batch fails as a whole (a bad row), its messages
 * are retried one by one, so only the bad one fails.
 */
import type pg from 'pg';
import { storedDuplicatePostgres } from './message-insert.js';
import { MESSAGE_COLUMNS, toMessage } from './rows.js';
import { type AppendResult, type NewMessage, StoreError } from './types.js';

/**
 * Runs `work` in a transaction holding the store's append lock, which makes id assignment and
 * commit one step for every append of the database (see the store).
 */
export type AppendTransaction = <T>(work: (client: pg.PoolClient) => Promise<T>) => Promise<T>;

type Settle = { resolve(value: AppendResult): void; reject(error: unknown): void };
type Pending = Settle & { message: NewMessage };

/** A bound on one INSERT's parameter arrays; a larger backlog goes in several batches. */
const MAX_BATCH = 500;

const INSERT_BATCH = `
INSERT INTO messages(room, nick, username, user_id, text, ts, client_id, reply_to)
SELECT room, nick, username, user_id, text, ts, client_id, reply_to
FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::bigint[], $7::text[], $8::bigint[])
  WITH ORDINALITY AS m(room, nick, username, user_id, text, ts, client_id, reply_to, ord)
ORDER BY ord
ON CONFLICT (room, nick, client_id) DO NOTHING
RETURNING ${MESSAGE_COLUMNS}`;

export class PostgresAppendBatch {
  readonly #appendTransaction: AppendTransaction;
  #pending: Pending[] = [];
  #running = false;

  constructor(appendTransaction: AppendTransaction) {
    this.#appendTransaction = appendTransaction;
  }

  /** Resolves once the transaction holding the message has committed. */
  add(message: NewMessage): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      this.#pending.push({ message, resolve, reject });
      if (!this.#running) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#running = true;
    while (this.#pending.length > 0) {
      const batch = this.#pending.splice(0, MAX_BATCH);
      try {
        const results = await this.#commit(batch.map((entry) => entry.message));
        for (let i = 0; i < batch.length; i++) batch[i].resolve(results[i]);
      } catch (error) {
        if (batch.length === 1) batch[0].reject(error);
        else await this.#oneByOne(batch);
      }
    }
    this.#running = false;
  }

  async #oneByOne(batch: Pending[]): Promise<void> {
    for (const entry of batch) {
      try {
        const [result] = await this.#commit([entry.message]);
        entry.resolve(result);
      } catch (error) {
        entry.reject(error);
      }
    }
  }

  #commit(messages: NewMessage[]): Promise<AppendResult[]> {
    return this.#appendTransaction(async (client) => {
      const { rows } = await client.query(INSERT_BATCH, columnsOf(messages));
      return matchRows(client, messages, rows);
    });
  }
}

function columnsOf(messages: NewMessage[]): unknown[][] {
  return [
    messages.map((m) => m.room),
    messages.map((m) => m.nick),
    messages.map((m) => m.username ?? null),
    messages.map((m) => m.userId ?? null),
    messages.map((m) => m.text),
    messages.map((m) => m.ts),
    messages.map((m) => m.clientId),
    messages.map((m) => m.replyTo ?? null),
  ];
}

function keyOf(room: unknown, nick: unknown, clientId: unknown): string {
  return JSON.stringify([room, nick, clientId]);
}

/**
 * Pairs each message with its row. A message with a client id finds its row by (room, nick,
 * client id); the first message of a key gets the inserted row, later ones are duplicates, as is
 * a message whose key was stored before this batch (read back). Messages without a client id
 * cannot conflict: their rows were inserted in batch order, so they take the remaining rows in
 * id order.
 */
async function matchRows(
  client: pg.PoolClient,
  messages: NewMessage[],
  rows: Record<string, unknown>[],
): Promise<AppendResult[]> {
  const inserted = new Map<string, Record<string, unknown>>();
  const anonymous: Record<string, unknown>[] = [];
  for (const row of rows) {
    if (row.client_id === null) anonymous.push(row);
    else inserted.set(keyOf(row.room, row.nick, row.client_id), row);
  }
  anonymous.sort((a, b) => Number(a.id) - Number(b.id));
  const claimed = new Set<string>();
  const results: AppendResult[] = [];
  for (const message of messages) {
    if (message.clientId === null) {
      const row = anonymous.shift();
      if (row === undefined) throw new StoreError('STORE_FAILED', 'A message was not stored');
      results.push({ message: toMessage(row), duplicate: false });
      continue;
    }
    const key = keyOf(message.room, message.nick, message.clientId);
    const row = inserted.get(key);
    if (row !== undefined && !claimed.has(key)) {
      claimed.add(key);
      results.push({ message: toMessage(row), duplicate: false });
      continue;
    }
    results.push(
      row === undefined ? await storedDuplicatePostgres(client, message) : { message: toMessage(row), duplicate: true },
    );
  }
  return results;
}
