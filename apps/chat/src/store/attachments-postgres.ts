/**
 * Attachments on PostgreSQL: the file's bytes in a bytea (or nothing, when UPLOAD_DIR keeps them),
 * and the message that carries it, written in one transaction under the store's append lock (ids
 * become visible in id order, as for every message; see PostgresStore).
 */
import type pg from 'pg';
import { attachmentJson, filesTable, storedFileOf } from './attachment-rows.js';
import { POSTGRES_TYPES } from './column-types.js';
import { attachmentColumn, insertMessagePostgres } from './message-insert.js';
import type { AppendResult, NewFile, NewMessage, StoredFile } from './types.js';

export const ATTACHMENTS_SCHEMA_POSTGRES = `
ALTER TABLE messages ADD COLUMN IF NOT EXISTS attachment TEXT;${filesTable(POSTGRES_TYPES)}`;

/** Inserts the message, then its file unless the message was a resend (inside the append transaction). */
export async function appendMessageWithFilePostgres(
  client: pg.PoolClient,
  message: NewMessage,
  file: NewFile,
): Promise<AppendResult> {
  const result = await insertMessagePostgres(client, message, attachmentColumn(file));
  if (!result.duplicate) {
    await client.query(
      'INSERT INTO files(id, room, message_id, meta, data, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
      [
        file.attachment.id,
        message.room,
        result.message.id,
        attachmentJson(file.attachment),
        file.data === null ? null : Buffer.from(file.data.buffer, file.data.byteOffset, file.data.byteLength),
        message.ts,
      ],
    );
  }
  return result;
}

/** Ids per query, to keep each one's parameter small. */
const IDS_PER_QUERY = 1000;

export async function existingFileIdsPostgres(pool: pg.Pool, ids: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let start = 0; start < ids.length; start += IDS_PER_QUERY) {
    const { rows } = await pool.query('SELECT id FROM files WHERE id = ANY($1::text[])', [
      ids.slice(start, start + IDS_PER_QUERY),
    ]);
    for (const row of rows) found.add(String(row.id));
  }
  return found;
}

export async function findFilePostgres(pool: pg.Pool, id: string): Promise<StoredFile | null> {
  const { rows } = await pool.query('SELECT id, room, meta, data FROM files WHERE id = $1', [id]);
  return rows[0] ? storedFileOf(rows[0]) : null;
}
