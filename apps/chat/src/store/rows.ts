import { attachmentOf } from './attachment-rows.js';
import { withChanges } from './change-rows.js';
import type { ChatMessage, MessagePage, RoomInfo, User } from './types.js';

/** A database row as both drivers return it (PostgreSQL BIGINTs arrive as strings). */
export type Row = Record<string, unknown>;

export const MESSAGE_COLUMNS =
  'id, room, nick, username, user_id, text, ts, client_id, edited_at, deleted_at, rev, reply_to, reactions, attachment';

export const ROOM_COLUMNS = 'name, created_at, kind, owner_id';

export function toRoom(row: Row): RoomInfo {
  const kind = row.kind === 'private' || row.kind === 'dm' ? row.kind : 'public';
  const room: RoomInfo = {
    name: String(row.name),
    createdAt: Number(row.created_at),
    kind,
    ownerId: nullableString(row.owner_id),
  };
  // Usernames hold no commas (accounts/credentials.ts), so the aggregated list splits back exactly.
  if (kind !== 'public' && typeof row.members === 'string') room.members = row.members.split(',').sort();
  return room;
}

export function toMessage(row: Row): ChatMessage {
  return withChanges(row, {
    id: Number(row.id),
    room: String(row.room),
    nick: String(row.nick),
    username: nullableString(row.username),
    userId: nullableString(row.user_id),
    text: String(row.text),
    ts: Number(row.ts),
    clientId: nullableString(row.client_id),
    ...attachmentOf(row),
  });
}

export const USER_COLUMNS = 'id, username, created_at';

export function toUser(row: Row): User {
  return { id: String(row.id), username: String(row.username), createdAt: Number(row.created_at) };
}

function nullableString(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

/**
 * Builds a page from rows fetched with `LIMIT limit + 1`: the extra row only proves there is more.
 * Newest-first queries (`descending`) are flipped so pages are always in ascending id order.
 */
export function pageOf(rows: Row[], limit: number, descending: boolean): MessagePage {
  const hasMore = rows.length > limit;
  const messages = (hasMore ? rows.slice(0, limit) : rows).map(toMessage);
  if (descending) messages.reverse();
  return { messages, hasMore };
}
