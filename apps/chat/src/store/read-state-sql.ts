import { type ColumnTypes, POSTGRES_TYPES, SQLITE_TYPES } from './column-types.js';
import type { RoomReadState } from './types.js';

/**
 * SQL for read markers, mentions and mutes, in both dialects. The store classes run it; it lives
 * here so that neither store file grows past what one reads in a sitting.
 *
 * A read marker is the id of the newest message an account has read in a room. It only moves
 * forward, and never past the room's newest message: a client claiming a future id cannot make
 * messages not yet written count as read. An account without a marker in a public room has never
 * opened it: nothing there counts as unread (as a channel one has not joined), mentions aside. In
 * a private room or DM every message counts, as being a member means it was meant for them.
 */

/** Unread and mention counts stop at this: a badge says "99+" anyway, and counting stays cheap. */
export const UNREAD_COUNT_CAP = 100;

/** The read markers and mentions tables, in either database's types. */
function readStateSchema({ integer, flag }: ColumnTypes): string {
  return `
CREATE TABLE IF NOT EXISTS read_state (
  user_id ${integer} NOT NULL REFERENCES users(id),
  room TEXT NOT NULL REFERENCES rooms(name),
  last_read ${integer},
  muted ${flag},
  PRIMARY KEY (user_id, room)
);
CREATE TABLE IF NOT EXISTS mentions (
  user_id ${integer} NOT NULL REFERENCES users(id),
  room TEXT NOT NULL REFERENCES rooms(name),
  message_id ${integer} NOT NULL REFERENCES messages(id),
  PRIMARY KEY (user_id, room, message_id)
);
`;
}

export const SQLITE_READ_STATE_SCHEMA = readStateSchema(SQLITE_TYPES);

export const POSTGRES_READ_STATE_SCHEMA = readStateSchema(POSTGRES_TYPES);

/** Parameters: 1 user id, 2 room, 3 message id. Returns `last_read`. */
export const SQLITE_MARK_READ = `
INSERT INTO read_state(user_id, room, last_read)
VALUES (?1, ?2, MIN(?3, COALESCE((SELECT MAX(id) FROM messages WHERE room = ?2), 0)))
ON CONFLICT(user_id, room) DO UPDATE SET last_read = MAX(COALESCE(read_state.last_read, 0), excluded.last_read)
RETURNING last_read`;

export const POSTGRES_MARK_READ = `
INSERT INTO read_state(user_id, room, last_read)
VALUES ($1, $2, LEAST($3::bigint, COALESCE((SELECT MAX(id) FROM messages WHERE room = $2), 0)))
ON CONFLICT (user_id, room) DO UPDATE SET last_read = GREATEST(read_state.last_read, excluded.last_read)
RETURNING last_read`;

/** Parameters: 1 user id, 2 room, 3 muted. */
export const SQLITE_SET_MUTED = `
INSERT INTO read_state(user_id, room, muted) VALUES (?1, ?2, ?3)
ON CONFLICT(user_id, room) DO UPDATE SET muted = excluded.muted`;

export const POSTGRES_SET_MUTED = `
INSERT INTO read_state(user_id, room, muted) VALUES ($1, $2, $3)
ON CONFLICT (user_id, room) DO UPDATE SET muted = excluded.muted`;

/** Parameters: 1 user id, 2 room, 3 message id. */
export const SQLITE_ADD_MENTION =
  'INSERT INTO mentions(user_id, room, message_id) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING';
export const POSTGRES_ADD_MENTION =
  'INSERT INTO mentions(user_id, room, message_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING';

/** Every room the account may read, with its marker, counts and mute. Parameter: 1 user id. */
function readStatesSql(p: string, mutedColumn: string): string {
  const since = 'COALESCE(s.last_read, 0)';
  return `
SELECT r.name AS room, s.last_read, ${mutedColumn} AS muted,
  CASE WHEN s.last_read IS NULL AND r.kind = 'public' THEN 0 ELSE
    (SELECT COUNT(*) FROM (SELECT 1 FROM messages m WHERE m.room = r.name AND m.id > ${since}
       AND (m.user_id IS NULL OR m.user_id <> ${p}) LIMIT ${UNREAD_COUNT_CAP}) AS counted) END AS unread,
  (SELECT COUNT(*) FROM (SELECT 1 FROM mentions n WHERE n.user_id = ${p} AND n.room = r.name
     AND n.message_id > ${since} LIMIT ${UNREAD_COUNT_CAP}) AS counted) AS mentions
FROM rooms r LEFT JOIN read_state s ON s.room = r.name AND s.user_id = ${p}
WHERE r.kind = 'public' OR r.name IN (SELECT room FROM room_members WHERE user_id = ${p})
ORDER BY r.name`;
}

export const SQLITE_READ_STATES = readStatesSql('?1', 'COALESCE(s.muted, 0)');
export const POSTGRES_READ_STATES = readStatesSql('$1', 'COALESCE(s.muted, false)');

export function toReadState(row: Record<string, unknown>): RoomReadState {
  return {
    room: String(row.room),
    lastRead: row.last_read === null || row.last_read === undefined ? null : Number(row.last_read),
    unread: Number(row.unread),
    mentions: Number(row.mentions),
    muted: row.muted === true || Number(row.muted) === 1,
  };
}
