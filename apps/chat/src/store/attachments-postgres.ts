/**
 * Attachments on PostgreSQL: the file's bytes in a bytea (or nothing, when UPLOAD_DIR keeps them),
 * and the message that carries it, written in one transaction under the store's append lock (ids
 * become visible in id order, as for every message).
 */
import type pg from 'pg';
import { attachmentJson, storedFileOf } from './attachment-rows.js';
import { MESSAGE_COLUMNS, toMessage } from './rows.js';
import { type AppendResult, type NewFile, type NewMessage, type StoredFile, StoreError } from './types.js';

export const ATTACHMENTS_SCHEMA_POSTGRES = `
ALTER TABLE messages ADD COLUMN IF NOT EXISTS attachment TEXT;
CREATE TABLE IF NOT EXISTS files (
  id TEXT PRIMARY KEY,
  room TEXT NOT NULL REFERENCES rooms(name),
  message_id BIGINT NOT NULL REFERENCES messages(id),
  meta TEXT NOT NULL,
  data BYTEA,
  created_at BIGINT NOT NULL
);
`;

export async function appendMessageWithFilePostgres(
  pool: pg.Pool,
  appendLock: number,
  message: NewMessage,
  file: NewFile,
): Promise<AppendResult> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [appendLock]);
    const inserted = await client.query(
      `INSERT INTO messages(room, nick, username, user_id, text, ts, client_id, attachment)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (room, nick, client_id) DO NOTHING RETURNING ${MESSAGE_COLUMNS}`,
      [
        message.room,
        message.nick,
        message.username ?? null,
        message.userId ?? null,
        message.text,
        message.ts,
        message.clientId,
        attachmentJson(file.attachment),
      ],
    );
    let result: AppendResult;
    if (inserted.rows[0]) {
      await client.query(
        'INSERT INTO files(id, room, message_id, meta, data, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
        [
          file.attachment.id,
          message.room,
          inserted.rows[0].id,
          attachmentJson(file.attachment),
          file.data === null ? null : Buffer.from(file.data.buffer, file.data.byteOffset, file.data.byteLength),
          message.ts,
        ],
      );
      result = { message: toMessage(inserted.rows[0]), duplicate: false };
    } else {
      const existing = await client.query(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room = $1 AND nick = $2 AND client_id = $3`,
        [message.room, message.nick, message.clientId],
      );
      if (!existing.rows[0]) throw new StoreError('STORE_FAILED', 'A message conflicted with one that does not exist');
      result = { message: toMessage(existing.rows[0]), duplicate: true };
    }
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

export async function findFilePostgres(pool: pg.Pool, id: string): Promise<StoredFile | null> {
  const { rows } = await pool.query('SELECT id, room, meta, data FROM files WHERE id = $1', [id]);
  return rows[0] ? storedFileOf(rows[0]) : null;
}
