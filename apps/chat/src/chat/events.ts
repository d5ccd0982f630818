/**
 * The chat's event contract between the page (public/js) and the server. Every client request
 * carries an ack callback, answered with `{ ok: true, ...result }` or `{ ok: false, error }`.
 *
 * client -> server
 *   'rooms:list'     ()                                  -> { rooms: RoomInfo[] }
 *   'room:create'    { room, private? }                  -> { room: RoomInfo, created }
 *   'room:invite'    { room, username }                  -> { user }     (private room's owner only)
 *   'dm:open'        { username }                        -> { room: RoomInfo, with: user }
 *   'room:join'      { room, after? }                    -> JoinResult
 *   'room:leave'     { room }                            -> {}
 *   'history:before' { room, before }                    -> MessagePage (older messages)
 *   'history:after'  { room, after }                     -> MessagePage (catch-up)
 *   'message:send'   { room, text, clientId }            -> { message: ChatMessage }
 *   'typing'         { room, typing }                    (no ack, relayed as volatile)
 *   -- message changes (message-changes.ts); messages may carry editedAt, deletedAt, rev, replyTo,
 *      reply (a preview of the original) and reactions (see ChatMessage)
 *   'message:send'   … replyTo?: id of a message in the room -> the reply, with `reply` attached
 *   'message:edit'   { room, id, text }                  -> { message }  (own messages only)
 *   'message:delete' { room, id }                        -> { message }  (own, or any as private room owner)
 *   'message:react'  { room, id, emoji, on }             -> { message }  (emoji from REACTION_EMOJI)
 *   'history:changes' { room, since }                    -> ChangesPage (changed after revision `since`)
 *   'room:remove'    { room, username }                  -> { user }     (private room's owner only)
 *   'unread:list'    ()                                  -> { rooms: RoomReadState[] }    (read-state.ts)
 *   'room:read'      { room, lastRead }                  -> { lastRead }
 *   'room:mute'      { room, muted }                     -> { muted }
 *   'presence:away'  { away }                            -> {}                            (away.ts)
 *   'search'         { query, room?, before? }           -> { messages (newest first), hasMore, terms }
 *   'upload:start'   { room, name, size, clientId? }     -> { uploadId, chunkBytes }   (see uploads/uploads.ts)
 *   'upload:chunk'   { uploadId, offset, data: binary }  -> { received }
 *   'upload:finish'  { uploadId }                        -> { message: ChatMessage with attachment }
 *   'upload:cancel'  { uploadId }                        -> {}
 *
 * server -> client
 *   'message'        ChatMessage
 *   'presence'       { room, users: string[], away: string[] }
 *   'typing'         { room, nick, username, typing }
 *   'room:created'   RoomInfo  (public rooms to everyone; private rooms and DMs to their members)
 *   'message:update' ChatMessage (its latest state after an edit, deletion or reaction)
 *   'room:removed'   { room }  (to the removed member's sockets, which have left the room)
 *   'room:read'      { room, lastRead }   (to every socket of the account that read)
 *   'room:muted'     { room, muted }      (to every socket of the account)
 *   'notify'         { message, reason: 'mention' | 'dm' }   (to the accounts mentioned, a DM's other person)
 *   'presence:config' { awayAfterMs }     (on connection)
 *
 * The connection is authenticated by the session cookie (see accounts/); a private room or DM that
 * the account is not a member of answers every request like a missing room (UNKNOWN_ROOM).
 */
import type { ChatMessage, MessagePage } from '../store/index.js';
import type { ChatErrorBody } from './errors.js';

export type AckResponse = ({ ok: true } & object) | { ok: false; error: ChatErrorBody };

export interface JoinResult extends MessagePage {
  room: string;
  users: string[];
  /** Of `users`, those away (see PresenceEvent). */
  away: string[];
  /** 'latest': the newest page (replace the view); 'after': messages after the id the client sent. */
  mode: 'latest' | 'after';
  /** The room's revision before the messages were read: ask 'history:changes' since it later. */
  rev?: number;
}

export interface PresenceEvent {
  room: string;
  users: string[];
  /** Of `users`, those away (idle or a hidden tab) in every socket they have in the room. */
  away: string[];
}

export interface TypingEvent {
  room: string;
  nick: string;
  /** The typist's account (null for a nickname-only connection). */
  username: string | null;
  typing: boolean;
}

export type { ChatMessage };

/** Latest messages sent on join, and the page size for scrolling up. */
export const HISTORY_PAGE = 50;
/** Page size for catching up after a disconnect. */
export const CATCH_UP_PAGE = 200;
// Pages are also capped by bytes (page-cap.ts), and every request kind has a per-user budget
// (request-limits.ts); a refusal is `{ ok: false, error: { code: 'RATE_LIMITED', retryAfterMs } }`.
