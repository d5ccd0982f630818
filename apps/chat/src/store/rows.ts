import type { ChatMessage, MessagePage, RoomInfo } from './types.js';

/** A database row as both drivers return it (PostgreSQL BIGINTs arrive as strings). */
export type Row = Record<string, unknown>;

export const MESSAGE_COLUMNS = 'id, room, nick, text, ts, client_id';

export function toRoom(row: Row): RoomInfo {
  return { name: String(row.name), createdAt: Number(row.created_at) };
}

export function toMessage(row: Row): ChatMessage {
  return {
    id: Number(row.id),
    room: String(row.room),
    nick: String(row.nick),
    text: String(row.text),
    ts: Number(row.ts),
    clientId: row.client_id === null || row.client_id === undefined ? null : String(row.client_id),
  };
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
