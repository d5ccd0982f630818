/**
 * Full-text search on SQLite: an FTS5 index over `messages.text`, kept by triggers. It is an
 * external-content table (it stores the index, not a second copy of the text), and the triggers
 * follow every INSERT, UPDATE of `text` and DELETE on messages, so edits and deletions made by any
 * code reach the index in the same transaction.
 */
import { MESSAGE_COLUMNS, pageOf, type Row } from './rows.js';
import type { MessagePage, SearchQuery } from './types.js';

type Value = string | number | null | Uint8Array;

/** The part of the SQLite store the search runs on. */
export interface SqliteQueries {
  all(sql: string, values?: Value[]): Row[];
  exec(sql: string): void;
}

const INDEX_SCHEMA = `
CREATE VIRTUAL TABLE messages_fts USING fts5(
  text, content = 'messages', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
);
`;

const TRIGGERS = `
CREATE TRIGGER IF NOT EXISTS messages_fts_insert AFTER INSERT ON messages BEGIN
  INSERT INTO messages_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER IF NOT EXISTS messages_fts_delete AFTER DELETE ON messages BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER IF NOT EXISTS messages_fts_update AFTER UPDATE OF text ON messages BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
  INSERT INTO messages_fts(rowid, text) VALUES (new.id, new.text);
END;
`;

/** Creates the index and its triggers; a database from before search gets its messages indexed once. */
export function migrateSearch(db: SqliteQueries): void {
  const exists = db.all("SELECT 1 AS found FROM sqlite_master WHERE type = 'table' AND name = 'messages_fts'");
  if (exists.length === 0) {
    db.exec(INDEX_SCHEMA);
    db.exec("INSERT INTO messages_fts(messages_fts) VALUES ('rebuild')");
  }
  db.exec(TRIGGERS);
}

export function searchSqlite(db: SqliteQueries, query: SearchQuery): MessagePage {
  // Each term quoted (no FTS5 operator can come from the user) and matched as a prefix; all must match.
  const match = query.terms.map((term) => `"${term.replaceAll('"', '""')}"*`).join(' ');
  const rows = db.all(
    `SELECT ${MESSAGE_COLUMNS} FROM messages
     WHERE id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?)
       AND room IN (SELECT name FROM rooms WHERE kind = 'public' UNION SELECT room FROM room_members WHERE user_id = ?)
       AND (? IS NULL OR room = ?) AND id < ?
     ORDER BY id DESC LIMIT ?`,
    [
      match,
      query.userId === null ? null : Number(query.userId),
      query.room ?? null,
      query.room ?? null,
      query.beforeId ?? Number.MAX_SAFE_INTEGER,
      query.limit + 1,
    ],
  );
  // Newest first, as search results are read (pageOf would flip a descending page).
  return pageOf(rows, query.limit, false);
}
