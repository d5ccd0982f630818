/**
 * Attachments on SQLite: the file's bytes in a BLOB (or nothing, when UPLOAD_DIR keeps them), and
 * the message that carries it, written in one transaction.
 */
import { attachmentJson, storedFileOf } from './attachment-rows.js';
import { MESSAGE_COLUMNS, toMessage } from './rows.js';
import type { SqliteQueries } from './search-sqlite.js';
import { type AppendResult, type NewFile, type NewMessage, type StoredFile, StoreError } from './types.js';

export const ATTACHMENTS_SCHEMA_SQLITE = `
CREATE TABLE IF NOT EXISTS files (
  id TEXT PRIMARY KEY,
  room TEXT NOT NULL REFERENCES rooms(name),
  message_id INTEGER NOT NULL REFERENCES messages(id),
  meta TEXT NOT NULL,
  data BLOB,
  created_at INTEGER NOT NULL
);
`;

export function appendMessageWithFileSqlite(db: SqliteQueries, message: NewMessage, file: NewFile): AppendResult {
  db.exec('BEGIN IMMEDIATE');
  try {
    const inserted = db.all(
      `INSERT INTO messages(room, nick, username, user_id, text, ts, client_id, attachment) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(room, nick, client_id) DO NOTHING RETURNING ${MESSAGE_COLUMNS}`,
      [
        message.room,
        message.nick,
        message.username ?? null,
        message.userId === undefined || message.userId === null ? null : Number(message.userId),
        message.text,
        message.ts,
        message.clientId,
        attachmentJson(file.attachment),
      ],
    )[0];
    let result: AppendResult;
    if (inserted) {
      db.all('INSERT INTO files(id, room, message_id, meta, data, created_at) VALUES (?, ?, ?, ?, ?, ?)', [
        file.attachment.id,
        message.room,
        Number(inserted.id),
        attachmentJson(file.attachment),
        file.data,
        message.ts,
      ]);
      result = { message: toMessage(inserted), duplicate: false };
    } else {
      const existing = db.all(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room = ? AND nick = ? AND client_id = ?`, [
        message.room,
        message.nick,
        message.clientId,
      ])[0];
      if (!existing) throw new StoreError('STORE_FAILED', 'A message conflicted with one that does not exist');
      result = { message: toMessage(existing), duplicate: true };
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
