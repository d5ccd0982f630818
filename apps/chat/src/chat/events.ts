/**
 * The chat's event contract between the page (public/js) and the server, as the typed event maps
 * the realtime server is created with (realtime.ts): `ClientToServerEvents` (each request with the
 * answer its ack gets), `ServerToClientEvents`, `InterServerEvents` between chat nodes, and the
 * `SocketData` a socket carries. Every client request carries an ack callback, answered with
 * `{ ok: true, ...result }` or `{ ok: false, error }`.
 *
 * The request types say what the page sends; the server still treats every payload as untrusted
 * (validation.ts), so its handlers take `unknown` and check each field.
 *
 * The connection is authenticated by the session cookie (see accounts/); a private room or DM that
 * the account is not a member of answers every request like a missing room (UNKNOWN_ROOM).
 */
// Types only from modules without runtime dependencies: the page's type-check reads this file too.
import type { ChangesPage, ChatMessage, MessagePage, RoomInfo, RoomReadState, User } from '../store/types.js';
import type { ChatErrorBody } from './errors.js';

export type AckResponse<Result extends object = object> = ({ ok: true } & Result) | { ok: false; error: ChatErrorBody };

/** The callback a request ends with; the server calls it once with the answer. */
export type Ack<Result extends object = object> = (response: AckResponse<Result>) => void;

/** An account as a request answers it (invitations, direct messages, removals). */
export type UserRef = Pick<User, 'id' | 'username'>;

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

/** 'room:read' to the account's sockets: the room's read marker moved. */
export interface ReadEvent {
  room: string;
  lastRead: number;
}

/** 'room:muted' to the account's sockets. */
export interface MutedEvent {
  room: string;
  muted: boolean;
}

/** 'notify' to an account mentioned in a message, or the other person of a DM. */
export interface NotifyEvent {
  message: ChatMessage;
  reason: 'mention' | 'dm';
}

/** 'presence:config' on connection: when the page should report itself away. */
export interface PresenceConfig {
  awayAfterMs: number;
}

/** A search's page of results: newest first, with the words searched for (to highlight them). */
export interface SearchResult extends MessagePage {
  terms: string[];
}

/** Requests from the page. Each ends with its ack, typed with the answer's `ok: true` half. */
export interface ClientToServerEvents {
  'rooms:list': (ack: Ack<{ rooms: RoomInfo[] }>) => void;
  'room:create': (request: { room: string; private?: boolean }, ack: Ack<{ room: RoomInfo; created: boolean }>) => void;
  /** A private room's owner only. */
  'room:invite': (request: { room: string; username: string }, ack: Ack<{ user: UserRef }>) => void;
  'dm:open': (request: { username: string }, ack: Ack<{ room: RoomInfo; with: UserRef }>) => void;
  'room:join': (request: { room: string; after?: number }, ack: Ack<JoinResult>) => void;
  'room:leave': (request: { room: string }, ack: Ack) => void;
  /** Older messages, for scrolling up. */
  'history:before': (request: { room: string; before: number }, ack: Ack<MessagePage>) => void;
  /** Newer messages, to catch up after a disconnect. */
  'history:after': (request: { room: string; after: number }, ack: Ack<MessagePage>) => void;
  /** `replyTo`: the id of a message in the room; the answer then carries its `reply` preview. */
  'message:send': (
    request: { room: string; text: string; clientId: string; replyTo?: number },
    ack: Ack<{ message: ChatMessage }>,
  ) => void;
  /** No ack: relayed to the room as volatile. */
  typing: (request: { room: string; typing: boolean }) => void;
  // Message changes (message-changes.ts): messages may carry editedAt, deletedAt, rev, replyTo,
  // reply and reactions (see ChatMessage).
  /** Own messages only. */
  'message:edit': (request: { room: string; id: number; text: string }, ack: Ack<{ message: ChatMessage }>) => void;
  /** Own messages, or any as a private room's owner. */
  'message:delete': (request: { room: string; id: number }, ack: Ack<{ message: ChatMessage }>) => void;
  /** `emoji` from REACTION_EMOJI. */
  'message:react': (
    request: { room: string; id: number; emoji: string; on: boolean },
    ack: Ack<{ message: ChatMessage }>,
  ) => void;
  /** Messages changed after revision `since`. */
  'history:changes': (request: { room: string; since: number }, ack: Ack<ChangesPage>) => void;
  /** A private room's owner only. */
  'room:remove': (request: { room: string; username: string }, ack: Ack<{ user: UserRef }>) => void;
  // Read state (read-state.ts).
  'unread:list': (ack: Ack<{ rooms: RoomReadState[] }>) => void;
  'room:read': (request: { room: string; lastRead: number }, ack: Ack<{ lastRead: number }>) => void;
  'room:mute': (request: { room: string; muted: boolean }, ack: Ack<{ muted: boolean }>) => void;
  /** Away or back (away.ts). */
  'presence:away': (request: { away: boolean }, ack: Ack) => void;
  search: (request: { query: string; room?: string; before?: number }, ack: Ack<SearchResult>) => void;
  // Uploads (uploads/uploads.ts).
  'upload:start': (
    request: { room: string; name: string; size: number; clientId?: string },
    ack: Ack<{ uploadId: string; chunkBytes: number }>,
  ) => void;
  'upload:chunk': (
    request: { uploadId: string; offset: number; data: Uint8Array },
    ack: Ack<{ received: number }>,
  ) => void;
  /** The answer's message carries the attachment; it is also broadcast as 'message'. */
  'upload:finish': (request: { uploadId: string }, ack: Ack<{ message: ChatMessage }>) => void;
  'upload:cancel': (request: { uploadId: string }, ack: Ack) => void;
}

/** The requests answered through an ack (every client event but the 'typing' hint). */
export type RequestEvent = Exclude<keyof ClientToServerEvents, 'typing'>;

export interface ServerToClientEvents {
  message: (message: ChatMessage) => void;
  presence: (event: PresenceEvent) => void;
  typing: (event: TypingEvent) => void;
  /** Public rooms to everyone; private rooms and DMs to their members. */
  'room:created': (room: RoomInfo) => void;
  /** A message's latest state after an edit, deletion or reaction. */
  'message:update': (message: ChatMessage) => void;
  /** To the removed member's sockets, which have left the room. */
  'room:removed': (event: { room: string }) => void;
  /** To every socket of the account that read. */
  'room:read': (event: ReadEvent) => void;
  /** To every socket of the account. */
  'room:muted': (event: MutedEvent) => void;
  /** To the accounts mentioned, and a DM's other person. */
  notify: (event: NotifyEvent) => void;
  /** On connection. */
  'presence:config': (config: PresenceConfig) => void;
}

/** Between chat nodes (presence.ts). */
export interface InterServerEvents {
  /** The rooms whose people changed on the sending node. */
  'presence:changed': (rooms: string[]) => void;
}

/**
 * What a socket carries in `socket.data`: set by the handshake middlewares, kept across a recovered
 * connection, and read on every node through `fetchSockets` (presence). A type, not an interface, so
 * it is also a plain record of its fields.
 */
export type SocketData = {
  /** The name shown: the account's username, or a nickname-only socket's nickname (set on connect). */
  nick?: string;
  /** The signed-in account (accounts/socket-auth.ts); absent on a nickname-only socket. */
  userId?: string;
  username?: string;
  sessionId?: string;
  /** The page says it is away (away.ts). */
  away?: boolean;
};

export type { ChatMessage };

/** Latest messages sent on join, and the page size for scrolling up. */
export const HISTORY_PAGE = 50;
/** Page size for catching up after a disconnect. */
export const CATCH_UP_PAGE = 200;
// Pages are also capped by bytes (page-cap.ts), and every request kind has a per-user budget
// (request-limits.ts); a refusal is `{ ok: false, error: { code: 'RATE_LIMITED', retryAfterMs } }`.
