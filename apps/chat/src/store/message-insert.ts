/**
 * The message insert both drivers run, for a plain message and for one carrying a file: deduplicated
 * by (room, nick, clientId), so a resend returns the stored message instead of a second copy. Each
 * kind writes one column besides the common ones (a reply's target, or the attachment).
 */
import type pg from 'pg';
import { attachmentJson } from './attachment-rows.js';
import { MESSAGE_COLUMNS, type Row, toMessage } from './rows.js';
import type { SqliteQueries } from './search-sqlite.js';
import { type AppendResult, type NewFile, type NewMessage, StoreError } from './types.js';

/** The column a message insert writes besides the common ones, and its value. */
export interface ExtraColumn {
  name: 'reply_to' | 'attachment';
  value: string | number | null;
}

const COLUMNS = 'room, nick, username, user_id, text, ts, client_id';

/** A plain message's extra column: what it replies to. */
export function replyColumn(message: NewMessage): ExtraColumn {
  return { name: 'reply_to', value: message.replyTo ?? null };
}

/** A message with a file: its extra column is the attachment's description. */
export function attachmentColumn(file: NewFile): ExtraColumn {
  return { name: 'attachment', value: attachmentJson(file.attachment) };
}

/** Inserts on a PostgreSQL connection inside a transaction that holds the append lock. */
export async function insertMessagePostgres(
  client: pg.PoolClient,
  message: NewMessage,
  extra: ExtraColumn,
): Promise<AppendResult> {
  const inserted = await client.query(
    `INSERT INTO messages(${COLUMNS}, ${extra.name}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (room, nick, client_id) DO NOTHING RETURNING ${MESSAGE_COLUMNS}`,
    valuesOf(message, message.userId ?? null, extra),
  );
  if (inserted.rows[0]) return { message: toMessage(inserted.rows[0]), duplicate: false };
  return storedDuplicatePostgres(client, message);
}

/** The message stored before under the same (room, nick, clientId) as `message`, a duplicate. */
export async function storedDuplicatePostgres(client: pg.PoolClient, message: NewMessage): Promise<AppendResult> {
  const existing = await client.query(
    `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room = $1 AND nick = $2 AND client_id = $3`,
    [message.room, message.nick, message.clientId],
  );
  return duplicateOf(existing.rows[0]);
}

/** Inserts on SQLite, inside the caller's transaction; user ids are integers there. */
export function insertMessageSqlite(
  db: Pick<SqliteQueries, 'all'>,
  message: NewMessage,
  extra: ExtraColumn,
): AppendResult {
  const userId = message.userId === undefined || message.userId === null ? null : Number(message.userId);
  const inserted = db.all(
    `INSERT INTO messages(${COLUMNS}, ${extra.name}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(room, nick, client_id) DO NOTHING RETURNING ${MESSAGE_COLUMNS}`,
    valuesOf(message, userId, extra),
  )[0];
  if (inserted) return { message: toMessage(inserted), duplicate: false };
  const existing = db.all(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room = ? AND nick = ? AND client_id = ?`, [
    message.room,
    message.nick,
    message.clientId,
  ])[0];
  return duplicateOf(existing);
}

function valuesOf(message: NewMessage, userId: string | number | null, extra: ExtraColumn): (string | number | null)[] {
  return [
    message.room,
    message.nick,
    message.username ?? null,
    userId,
    message.text,
    message.ts,
    message.clientId,
    extra.value,
  ];
}

/** The message a conflicting insert met: the one stored under the same (room, nick, clientId). */
function duplicateOf(existing: Row | undefined): AppendResult {
  if (!existing) throw new StoreError('STORE_FAILED', 'A message conflicted with one that does not exist');
  return { message: toMessage(existing), duplicate: true };
}
