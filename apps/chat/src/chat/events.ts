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
 *   'search'         { query, room?, before? }           -> { messages (newest first), hasMore, terms }
 *   'upload:start'   { room, name, size, clientId? }     -> { uploadId, chunkBytes }   (see uploads/uploads.ts)
 *   'upload:chunk'   { uploadId, offset, data: binary }  -> { received }
 *   'upload:finish'  { uploadId }                        -> { message: ChatMessage with attachment }
 *   'upload:cancel'  { uploadId }                        -> {}
 *
 * server -> client
 *   'message'        ChatMessage
 *   'presence'       { room, users: string[] }
 *   'typing'         { room, nick, username, typing }
 *   'room:created'   RoomInfo  (public rooms to everyone; private rooms and DMs to their members)
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
  /** 'latest': the newest page (replace the view); 'after': messages after the id the client sent. */
  mode: 'latest' | 'after';
}

export interface PresenceEvent {
  room: string;
  users: string[];
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
