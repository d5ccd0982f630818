/**
 * Message changes on SQLite: edit, delete, reactions, and the per-room revision that catch-up
 * queries. Every change bumps the room's revision and stamps it on the message in one transaction,
 * so "changed after revision N" finds every edit, deletion or reaction a client missed, however
 * old the message (catch-up by id only finds new messages).
 */
import { changeTables, summarizeReactions } from './change-rows.js';
import { SQLITE_TYPES } from './column-types.js';
import { MESSAGE_COLUMNS, pageOf, type Row, toMessage } from './rows.js';
import type { ChangesPage, ChatMessage, ReactionRequest, ReactionResult } from './types.js';

type Value = string | number | null;

/** What these functions need of the store's connection (synchronous, one at a time). */
export interface SqliteRunner {
  get(sql: string, values: Value[]): Row | null;
  all(sql: string, values: Value[]): Row[];
  /** Runs `work` in one transaction: all of it is committed, or none. */
  transaction<T>(work: () => T): T;
}

/** Created after the column migration (the index needs `messages.rev`). */
export const SQLITE_CHANGES_SCHEMA = `${changeTables(SQLITE_TYPES)}CREATE INDEX IF NOT EXISTS messages_by_rev ON messages(room, rev);
`;

/** The `messages` columns the changes add (see ADDED_COLUMNS in sqlite.ts). */
export const SQLITE_CHANGE_COLUMNS: readonly [table: string, name: string, definition: string][] = [
  ['messages', 'edited_at', 'INTEGER'],
  ['messages', 'deleted_at', 'INTEGER'],
  ['messages', 'rev', 'INTEGER NOT NULL DEFAULT 0'],
  ['messages', 'reply_to', 'INTEGER'],
  ['messages', 'reactions', 'TEXT'],
];

export function roomRevision(db: SqliteRunner, room: string): number {
  return Number(db.get('SELECT rev FROM room_revisions WHERE room = ?', [room])?.rev ?? 0);
}

export function messagesByIds(db: SqliteRunner, room: string, ids: readonly number[]): ChatMessage[] {
  if (ids.length === 0) return [];
  const marks = ids.map(() => '?').join(', ');
  return db
    .all(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room = ? AND id IN (${marks}) ORDER BY id`, [room, ...ids])
    .map(toMessage);
}

export function editMessage(db: SqliteRunner, room: string, id: number, text: string, ts: number): ChatMessage | null {
  return db.transaction(() => {
    if (!live(db, room, id)) return null;
    const rev = bump(db, room);
    const row = db.get(
      `UPDATE messages SET text = ?, edited_at = ?, rev = ? WHERE id = ? RETURNING ${MESSAGE_COLUMNS}`,
      [text, ts, rev, id],
    );
    return row ? toMessage(row) : null;
  });
}

export function deleteMessage(db: SqliteRunner, room: string, id: number, ts: number): ChatMessage | null {
  return db.transaction(() => {
    if (!live(db, room, id)) return null;
    const rev = bump(db, room);
    db.all('DELETE FROM reactions WHERE message_id = ? RETURNING message_id', [id]);
    // Its file goes with it: /files/<id> answers 404 from now on (bytes under UPLOAD_DIR are erased
    // by the handler once this commits).
    db.all('DELETE FROM files WHERE message_id = ? RETURNING id', [id]);
    // The text goes for good: a deleted message keeps only who sent it and when.
    const row = db.get(
      `UPDATE messages SET text = '', deleted_at = ?, reactions = NULL, attachment = NULL, rev = ? WHERE id = ?
       RETURNING ${MESSAGE_COLUMNS}`,
      [ts, rev, id],
    );
    return row ? toMessage(row) : null;
  });
}

export function setReaction(
  db: SqliteRunner,
  ...[room, id, reactor, emoji, on, ts]: ReactionRequest
): ReactionResult | null {
  return db.transaction(() => {
    const current = live(db, room, id);
    if (!current) return null;
    const changed = on
      ? db.get(
          `INSERT INTO reactions(message_id, emoji, user_id, username, ts) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT DO NOTHING RETURNING message_id`,
          [id, emoji, Number(reactor.userId), reactor.username, ts],
        ) !== null
      : db.get('DELETE FROM reactions WHERE message_id = ? AND emoji = ? AND user_id = ? RETURNING message_id', [
          id,
          emoji,
          Number(reactor.userId),
        ]) !== null;
    if (!changed) return { message: toMessage(current), changed: false };
    const rev = bump(db, room);
    const summary = summarizeReactions(
      db.all('SELECT emoji, username FROM reactions WHERE message_id = ? ORDER BY ts, rowid', [id]),
    );
    const row = db.get(`UPDATE messages SET reactions = ?, rev = ? WHERE id = ? RETURNING ${MESSAGE_COLUMNS}`, [
      summary,
      rev,
      id,
    ]);
    return row ? { message: toMessage(row), changed: true } : null;
  });
}

export function changesSince(db: SqliteRunner, room: string, since: number, limit: number): ChangesPage {
  return db.transaction(() => {
    const rows = db.all(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room = ? AND rev > ? ORDER BY rev ASC LIMIT ?`, [
      room,
      since,
      limit + 1,
    ]);
    const page = pageOf(rows, limit, false);
    // Where to ask from next: after the last change returned, or (all returned) the room's revision.
    const rev = page.hasMore ? (page.messages.at(-1)?.rev ?? since) : roomRevision(db, room);
    return { ...page, rev };
  });
}

/** The message's row if it is in `room` and not deleted. */
function live(db: SqliteRunner, room: string, id: number): Row | null {
  return db.get(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = ? AND room = ? AND deleted_at IS NULL`, [id, room]);
}

/** The room's next revision, taken. */
function bump(db: SqliteRunner, room: string): number {
  const row = db.get(
    `INSERT INTO room_revisions(room, rev) VALUES (?, 1)
     ON CONFLICT(room) DO UPDATE SET rev = rev + 1 RETURNING rev`,
    [room],
  );
  return Number(row?.rev);
}
