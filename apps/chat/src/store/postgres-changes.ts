/**
 * Message changes on PostgreSQL: edit, delete, reactions, and the per-room revision that catch-up
 * queries (see sqlite-changes.ts for the idea). Each change first takes the room's next revision
 * with an upsert, which row-locks the room's counter until commit: changes to one room commit in
 * revision order, so a client asking "after revision N" can never miss one that commits late.
 */
import { changeTables, summarizeReactions } from './change-rows.js';
import { POSTGRES_TYPES } from './column-types.js';
import { MESSAGE_COLUMNS, pageOf, type Row, toMessage } from './rows.js';
import type { ChangesPage, ChatMessage, ReactionRequest, ReactionResult } from './types.js';

/** A pool or a client inside a transaction. */
export interface Queryable {
  query(sql: string, values?: unknown[]): Promise<{ rows: Row[] }>;
}

/** Appended to the store's schema: idempotent, and a database from before opens unchanged. */
export const POSTGRES_CHANGES_SCHEMA = `
ALTER TABLE messages ADD COLUMN IF NOT EXISTS edited_at BIGINT;
ALTER TABLE messages ADD COLUMN IF NOT EXISTS deleted_at BIGINT;
ALTER TABLE messages ADD COLUMN IF NOT EXISTS rev BIGINT NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN IF NOT EXISTS reply_to BIGINT;
ALTER TABLE messages ADD COLUMN IF NOT EXISTS reactions TEXT;
CREATE INDEX IF NOT EXISTS messages_by_rev ON messages(room, rev);${changeTables(POSTGRES_TYPES, 'seq BIGSERIAL')}`;

type Transaction = <T>(work: (client: Queryable) => Promise<T>) => Promise<T>;

/** Thrown inside a change's transaction to roll back the revision it took and answer `value`. */
class Unchanged<T> {
  constructor(readonly value: T) {}
}

/** Runs a change; one that turns out to change nothing rolls back, so the revision is not spent. */
async function change<T>(transaction: Transaction, work: (client: Queryable) => Promise<T>): Promise<T> {
  try {
    return await transaction(work);
  } catch (err) {
    if (err instanceof Unchanged) return err.value as T;
    throw err;
  }
}

export async function roomRevision(db: Queryable, room: string): Promise<number> {
  const { rows } = await db.query('SELECT rev FROM room_revisions WHERE room = $1', [room]);
  return Number(rows[0]?.rev ?? 0);
}

export async function messagesByIds(db: Queryable, room: string, ids: readonly number[]): Promise<ChatMessage[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query(
    `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room = $1 AND id = ANY($2::bigint[]) ORDER BY id`,
    [room, ids],
  );
  return rows.map(toMessage);
}

export function editMessage(
  transaction: Transaction,
  room: string,
  id: number,
  text: string,
  ts: number,
): Promise<ChatMessage | null> {
  return change(transaction, async (client) => {
    const rev = await bump(client, room);
    if (!(await live(client, room, id))) throw new Unchanged(null);
    const { rows } = await client.query(
      `UPDATE messages SET text = $1, edited_at = $2, rev = $3 WHERE id = $4 RETURNING ${MESSAGE_COLUMNS}`,
      [text, ts, rev, id],
    );
    return rows[0] ? toMessage(rows[0]) : null;
  });
}

export function deleteMessage(
  transaction: Transaction,
  room: string,
  id: number,
  ts: number,
): Promise<ChatMessage | null> {
  return change(transaction, async (client) => {
    const rev = await bump(client, room);
    if (!(await live(client, room, id))) throw new Unchanged(null);
    await client.query('DELETE FROM reactions WHERE message_id = $1', [id]);
    // Its file goes with it: /files/<id> answers 404 from now on (bytes under UPLOAD_DIR are erased
    // by the handler once this commits).
    await client.query('DELETE FROM files WHERE message_id = $1', [id]);
    // The text goes for good: a deleted message keeps only who sent it and when.
    const { rows } = await client.query(
      `UPDATE messages SET text = '', deleted_at = $1, reactions = NULL, attachment = NULL, rev = $2 WHERE id = $3
       RETURNING ${MESSAGE_COLUMNS}`,
      [ts, rev, id],
    );
    return rows[0] ? toMessage(rows[0]) : null;
  });
}

export function setReaction(
  transaction: Transaction,
  ...[room, id, reactor, emoji, on, ts]: ReactionRequest
): Promise<ReactionResult | null> {
  return change(transaction, async (client) => {
    // The revision lock also serialises reactions to one message, so the summary is never stale.
    const rev = await bump(client, room);
    const current = await live(client, room, id);
    if (!current) throw new Unchanged(null);
    const { rows: touched } = on
      ? await client.query(
          `INSERT INTO reactions(message_id, emoji, user_id, username, ts) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT DO NOTHING RETURNING message_id`,
          [id, emoji, reactor.userId, reactor.username, ts],
        )
      : await client.query(
          'DELETE FROM reactions WHERE message_id = $1 AND emoji = $2 AND user_id = $3 RETURNING message_id',
          [id, emoji, reactor.userId],
        );
    if (touched.length === 0) throw new Unchanged({ message: toMessage(current), changed: false });
    const { rows: reactions } = await client.query(
      'SELECT emoji, username FROM reactions WHERE message_id = $1 ORDER BY ts, seq',
      [id],
    );
    const { rows } = await client.query(
      `UPDATE messages SET reactions = $1, rev = $2 WHERE id = $3 RETURNING ${MESSAGE_COLUMNS}`,
      [summarizeReactions(reactions), rev, id],
    );
    return rows[0] ? { message: toMessage(rows[0]), changed: true } : null;
  });
}

export async function changesSince(db: Queryable, room: string, since: number, limit: number): Promise<ChangesPage> {
  // The room's revision is read first: a change committing after it is either in the rows too or
  // is found by the next ask (its revision is higher); never skipped.
  const current = await roomRevision(db, room);
  const { rows } = await db.query(
    `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room = $1 AND rev > $2 AND rev <= $3 ORDER BY rev ASC LIMIT $4`,
    [room, since, current, limit + 1],
  );
  const page = pageOf(rows, limit, false);
  return { ...page, rev: page.hasMore ? (page.messages.at(-1)?.rev ?? since) : current };
}

/** The message's row if it is in `room` and not deleted (locked until commit). */
async function live(client: Queryable, room: string, id: number): Promise<Row | null> {
  const { rows } = await client.query(
    `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = $1 AND room = $2 AND deleted_at IS NULL FOR UPDATE`,
    [id, room],
  );
  return rows[0] ?? null;
}

/** The room's next revision, taken (and its counter row locked until commit). */
async function bump(client: Queryable, room: string): Promise<number> {
  const { rows } = await client.query(
    `INSERT INTO room_revisions(room, rev) VALUES ($1, 1)
     ON CONFLICT (room) DO UPDATE SET rev = room_revisions.rev + 1 RETURNING rev`,
    [room],
  );
  return Number(rows[0]?.rev);
}
