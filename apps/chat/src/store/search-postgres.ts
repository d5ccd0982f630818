/**
 * Full-text search on PostgreSQL: a GIN index on the expression `to_tsvector('simple', text)`.
 * Being an expression index, it follows every insert, UPDATE of `text` and DELETE on messages by
 * itself; nothing else has to be kept in step. The 'simple' configuration lowercases words without
 * stemming, as SQLite's FTS5 tokenizer does, so both stores find the same messages.
 */
import type pg from 'pg';
import { MESSAGE_COLUMNS, pageOf } from './rows.js';
import type { MessagePage, SearchQuery } from './types.js';

export const SEARCH_SCHEMA_POSTGRES = `
CREATE INDEX IF NOT EXISTS messages_search ON messages USING GIN (to_tsvector('simple', text));
`;

export async function searchPostgres(pool: pg.Pool, query: SearchQuery): Promise<MessagePage> {
  // Terms are letters and digits only (chat/search.ts), so quoting them makes a safe tsquery: all
  // must match, each as a word prefix.
  const tsquery = query.terms.map((term) => `'${term.replaceAll("'", "''")}':*`).join(' & ');
  const { rows } = await pool.query(
    `SELECT ${MESSAGE_COLUMNS} FROM messages
     WHERE to_tsvector('simple', text) @@ to_tsquery('simple', $1)
       AND room IN (SELECT name FROM rooms WHERE kind = 'public' UNION SELECT room FROM room_members WHERE user_id = $2)
       AND ($3::text IS NULL OR room = $3) AND id < $4
     ORDER BY id DESC LIMIT $5`,
    [tsquery, query.userId, query.room ?? null, query.beforeId ?? Number.MAX_SAFE_INTEGER, query.limit + 1],
  );
  return pageOf(rows, query.limit, false);
}
