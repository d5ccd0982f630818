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

export function findFileSqlite(db: SqliteQueries, id: string): StoredFile | null {
  const row = db.all('SELECT id, room, meta, data FROM files WHERE id = ?', [id])[0];
  return row ? storedFileOf(row) : null;
}
