/**
 * Attachments on SQLite: the file's bytes in a BLOB (or nothing, when UPLOAD_DIR keeps them), and
 * the message that carries it, written in one transaction.
 */
import { attachmentJson, filesTable, storedFileOf } from './attachment-rows.js';
import { SQLITE_TYPES } from './column-types.js';
import { attachmentColumn, insertMessageSqlite } from './message-insert.js';
import type { SqliteQueries } from './search-sqlite.js';
import type { AppendResult, NewFile, NewMessage, StoredFile } from './types.js';

export const ATTACHMENTS_SCHEMA_SQLITE = filesTable(SQLITE_TYPES);

export function appendMessageWithFileSqlite(db: SqliteQueries, message: NewMessage, file: NewFile): AppendResult {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = insertMessageSqlite(db, message, attachmentColumn(file));
    if (!result.duplicate) {
      db.all('INSERT INTO files(id, room, message_id, meta, data, created_at) VALUES (?, ?, ?, ?, ?, ?)', [
        file.attachment.id,
        message.room,
        result.message.id,
        attachmentJson(file.attachment),
        file.data,
        message.ts,
      ]);
    }
    db.exec('COMMIT');
    return result;
  } catch (err) {
    db.exec('ROLLBACK');
    throw err;
  }
}

/** Ids per query: one statement (a JSON array parameter) whatever the count, well within SQLite's limits. */
const IDS_PER_QUERY = 500;

export function existingFileIdsSqlite(db: SqliteQueries, ids: readonly string[]): Set<string> {
  const found = new Set<string>();
  for (let start = 0; start < ids.length; start += IDS_PER_QUERY) {
    const batch = JSON.stringify(ids.slice(start, start + IDS_PER_QUERY));
    for (const row of db.all('SELECT id FROM files WHERE id IN (SELECT value FROM json_each(?))', [batch])) {
      found.add(String(row.id));
    }
  }
  return found;
}

export function findFileSqlite(db: SqliteQueries, id: string): StoredFile | null {
  const row = db.all('SELECT id, room, meta, data FROM files WHERE id = ?', [id])[0];
  return row ? storedFileOf(row) : null;
}
