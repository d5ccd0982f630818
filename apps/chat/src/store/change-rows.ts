/**
 * Row mapping for message changes (edit, delete, reactions, replies), shared by both stores. The
 * columns are nullable additions to `messages`; a message never changed maps exactly as before.
 */
import type { ColumnTypes } from './column-types.js';
import type { ChatMessage, ReactionSummary } from './types.js';

type Row = Record<string, unknown>;

/**
 * The per-room revision counters and the reactions table, in either database's types.
 * `reactionOrder` is a column that orders reactions by arrival, where rowid does not (PostgreSQL).
 */
export function changeTables({ integer }: ColumnTypes, reactionOrder?: string): string {
  return `
CREATE TABLE IF NOT EXISTS room_revisions (
  room TEXT PRIMARY KEY REFERENCES rooms(name),
  rev ${integer} NOT NULL
);
CREATE TABLE IF NOT EXISTS reactions (
  message_id ${integer} NOT NULL REFERENCES messages(id),
  emoji TEXT NOT NULL,
  user_id ${integer} NOT NULL REFERENCES users(id),
  username TEXT NOT NULL,
  ts ${integer} NOT NULL,${
    reactionOrder === undefined
      ? ''
      : `
  ${reactionOrder},`
  }
  PRIMARY KEY (message_id, emoji, user_id)
);
`;
}

/** Adds to `message` the change fields its row carries. */
export function withChanges(row: Row, message: ChatMessage): ChatMessage {
  if (row.edited_at !== null && row.edited_at !== undefined) message.editedAt = Number(row.edited_at);
  if (row.deleted_at !== null && row.deleted_at !== undefined) message.deletedAt = Number(row.deleted_at);
  const rev = Number(row.rev ?? 0);
  if (rev > 0) message.rev = rev;
  if (row.reply_to !== null && row.reply_to !== undefined) message.replyTo = Number(row.reply_to);
  if (typeof row.reactions === 'string' && row.reactions !== '') {
    const reactions = parseReactions(row.reactions);
    if (reactions.length > 0) message.reactions = reactions;
  }
  return message;
}

/**
 * The summary stored with a message, built from its reaction rows ordered by when each was added:
 * emoji in the order they first appeared, each with its reactors in order. Kept denormalised in
 * the message row so every page and broadcast carries it without a join.
 */
export function summarizeReactions(rows: Row[]): string | null {
  const byEmoji = new Map<string, string[]>();
  for (const row of rows) {
    const emoji = String(row.emoji);
    let usernames = byEmoji.get(emoji);
    if (!usernames) {
      usernames = [];
      byEmoji.set(emoji, usernames);
    }
    usernames.push(String(row.username));
  }
  if (byEmoji.size === 0) return null;
  const summary: ReactionSummary[] = [...byEmoji].map(([emoji, usernames]) => ({ emoji, usernames }));
  return JSON.stringify(summary);
}

function parseReactions(text: string): ReactionSummary[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? (value as ReactionSummary[]) : [];
  } catch {
    return [];
  }
}
