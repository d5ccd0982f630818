/**
 * The persistence seam of the chat: everything the socket handlers need from storage, so SQLite
 * (one process, zero setup) and PostgreSQL (several nodes sharing one database) are swappable.
 */

/** One stored chat message. `id` grows monotonically across all rooms: clients catch up by it. */
export interface ChatMessage {
  id: number;
  room: string;
  /** The name shown: the sender's username, or the free nickname of a message from before accounts. */
  nick: string;
  /** The sender's account; null on messages stored before the chat had accounts. */
  username: string | null;
  userId: string | null;
  text: string;
  /** Milliseconds since the epoch, assigned by the server. */
  ts: number;
  /** The sender's idempotency key: a resend of the same message is recognised, never stored twice. */
  clientId: string | null;
  // Message changes (edit, delete, reactions, replies): each field is present only when it says
  // something, so a message that was never changed looks exactly as before.
  /** When the author last edited the text. */
  editedAt?: number;
  /** When the message was deleted (its text is then empty and its reactions gone). */
  deletedAt?: number;
  /** The room revision of the latest change to this message (see `ChatStore.changesSince`). */
  rev?: number;
  /** The id of the message this one replies to (same room). */
  replyTo?: number;
  /** A preview of the message replied to, attached by the server when it sends the message. */
  reply?: ReplyPreview;
  /** Emoji reactions in the order they were first added, each with who reacted. */
  reactions?: ReactionSummary[];
  /** A file sent with the message (its bytes are fetched from `/files/<id>/<name>`). */
  attachment?: Attachment;
}

/** setReaction's arguments: the message, who reacts with which emoji, on or off, and when. */
export type ReactionRequest = [
  room: string,
  id: number,
  reactor: { userId: string; username: string },
  emoji: string,
  on: boolean,
  ts: number,
];

/** The message as a reaction left it; `changed` is false when there was nothing to do. */
export interface ReactionResult {
  message: ChatMessage;
  changed: boolean;
}

export interface ReactionSummary {
  emoji: string;
  usernames: string[];
}

export interface ReplyPreview {
  id: number;
  nick: string;
  /** The start of the original text ('' when it was deleted). */
  text: string;
  deleted: boolean;
}

/** Messages changed after a room revision, in revision order, and the room's revision now. */
export interface ChangesPage {
  messages: ChatMessage[];
  hasMore: boolean;
  rev: number;
}

/** What a message says about its file; the bytes are stored apart (see `ChatStore.findFile`). */
export interface Attachment {
  /** 32 random hex digits: the file's key, unguessable. */
  id: string;
  /** The sender's file name, made safe (no path, no control characters). */
  name: string;
  /** The media type sniffed from the bytes: image/png, image/jpeg, image/gif, image/webp, else application/octet-stream. */
  type: string;
  size: number;
  /** Pixel size of an image, so the page can reserve its space before it loads. */
  width?: number;
  height?: number;
}

/** Public rooms are open to everyone; private rooms and direct messages to their members only. */
export type RoomKind = 'public' | 'private' | 'dm';

export interface RoomInfo {
  name: string;
  createdAt: number;
  kind: RoomKind;
  /** The account that created a private room (it invites the members); null otherwise. */
  ownerId: string | null;
  /**
   * The usernames of a DM's two people or of a private room's members, sorted: in room lists (read
   * afresh on every connect) and DM announcements. The page labels a DM by the other one, and its
   * owner's Remove dialog suggests a private room's members from it.
   */
  members?: string[];
}

export interface NewRoomOptions {
  kind: RoomKind;
  ownerId: string | null;
  /** Accounts made members in the same step (a private room's owner, a DM's two people). */
  members: string[];
}

/** A page of messages in ascending id order; `hasMore` says whether the query was cut at its limit. */
export interface MessagePage {
  messages: ChatMessage[];
  hasMore: boolean;
}

export interface NewMessage {
  room: string;
  nick: string;
  /** The authenticated sender (omitted only for anonymous senders, which a required login rules out). */
  username?: string | null;
  userId?: string | null;
  text: string;
  ts: number;
  clientId: string | null;
  /** The message this one replies to (checked by the caller to be in the same room). */
  replyTo?: number | null;
}

export interface AppendResult {
  message: ChatMessage;
  /** True when a message with the same (room, nick, clientId) already existed and was returned instead. */
  duplicate: boolean;
}

export interface ChatStore {
  /** Creates the schema if needed and the default room. Idempotent. */
  init(): Promise<void>;
  /** The public rooms, and the private rooms and DMs `userId` is a member of. */
  listRooms(userId?: string | null): Promise<RoomInfo[]>;
  roomExists(name: string): Promise<boolean>;
  /** A room, and whether `userId` is one of its members; null when there is no such room. */
  roomAccess(name: string, userId: string | null): Promise<{ room: RoomInfo; member: boolean } | null>;
  /**
   * Creates a room (public unless `options` says otherwise); `created` is false when it already
   * existed (not an error: the caller joins it, if allowed).
   */
  createRoom(name: string, ts: number, options?: NewRoomOptions): Promise<{ room: RoomInfo; created: boolean }>;
  /** Makes an account a member of a room; false when it already was. */
  addMember(room: string, userId: string): Promise<boolean>;
  /** Removes an account from a room's members; false when it was not one. */
  removeMember(room: string, userId: string): Promise<boolean>;
  /** The account with this username (case-insensitively), without its credentials. */
  findUser(username: string): Promise<User | null>;
  /** Durably stores a message (committed before it resolves), deduplicated by clientId. */
  appendMessage(message: NewMessage): Promise<AppendResult>;
  /** The newest `limit` messages of a room. */
  latest(room: string, limit: number): Promise<MessagePage>;
  /** The `limit` messages just before `beforeId` (for scrolling up). */
  before(room: string, beforeId: number, limit: number): Promise<MessagePage>;
  /** The `limit` oldest messages after `afterId` (for catching up after a disconnect). */
  after(room: string, afterId: number, limit: number): Promise<MessagePage>;
  /** Creates an account; null when the username is taken (compared case-insensitively). */
  createUser(user: NewUser): Promise<User | null>;
  /** The account with this username (case-insensitively), with its password hash, for signing in. */
  findUserCredentials(username: string): Promise<UserCredentials | null>;
  /** Stores a session by the hash of its token (the token itself is never stored). */
  createSession(session: NewSession): Promise<void>;
  /** The live session with this token hash (not expired at `now`) and its user. */
  findSession(tokenHash: string, now: number): Promise<SessionInfo | null>;
  /** Deletes a session; returns its id, or null when there was none. */
  deleteSession(tokenHash: string): Promise<string | null>;
  /**
   * Replaces the account's password hash and deletes every session of the account except the one
   * with `keepTokenHash`, in one transaction; returns the ids of the deleted sessions (to disconnect
   * their sockets). Nothing changes, and [] is returned, when the account does not exist.
   */
  changePassword(userId: string, passwordHash: string, keepTokenHash: string): Promise<string[]>;
  close(): Promise<void>;

  // ---- message changes (edit, delete, reactions, replies; see message-changes in each store)
  /** The room's revision: bumped by every change to one of its messages (0 before any). */
  roomRevision(room: string): Promise<number>;
  /** The messages of `room` with these ids (missing or other-room ids are left out). */
  messagesByIds(room: string, ids: readonly number[]): Promise<ChatMessage[]>;
  /** Replaces a message's text and marks it edited; null if it is missing or deleted. */
  editMessage(room: string, id: number, text: string, ts: number): Promise<ChatMessage | null>;
  /** Empties a message, drops its reactions and marks it deleted; null if missing or already deleted. */
  deleteMessage(room: string, id: number, ts: number): Promise<ChatMessage | null>;
  /**
   * Adds (`on`) or removes an account's emoji reaction; null if the message is missing or deleted.
   * `changed` is false when there was nothing to do (the revision is then not bumped).
   */
  setReaction(...request: ReactionRequest): Promise<ReactionResult | null>;
  /** Messages changed after revision `since`, oldest change first (for catching up after a drop). */
  changesSince(room: string, since: number, limit: number): Promise<ChangesPage>;
  // Read markers, mentions and mutes (SQL in read-state-sql.ts).
  /**
   * Moves the account's read marker in a room forward to `messageId`, never back and never past the
   * room's newest message; resolves with the marker as stored.
   */
  markRead(userId: string, room: string, messageId: number): Promise<number>;
  /** Records that a stored message mentions these accounts (counted until they read past it). */
  addMentions(room: string, messageId: number, userIds: string[]): Promise<void>;
  /** Mutes or unmutes a room for one account. */
  setMuted(userId: string, room: string, muted: boolean): Promise<void>;
  /** For every room the account may read: its marker, unread and mention counts, and mute. */
  readStates(userId: string): Promise<RoomReadState[]>;
  // ---- full-text search (search-sqlite.ts, search-postgres.ts)
  /**
   * Messages matching every term (as a word prefix) in the rooms `userId` may read, newest first.
   * The index follows the messages table on its own (insert, UPDATE of text, DELETE): code that
   * edits or deletes messages needs to call nothing.
   */
  searchMessages(query: SearchQuery): Promise<MessagePage>;

  // ---- attachments (attachments-sqlite.ts, attachments-postgres.ts)
  /**
   * Stores a message with its file in one transaction, deduplicated by clientId as appendMessage
   * (a duplicate stores no file). `data` null means the bytes are kept elsewhere (UPLOAD_DIR).
   */
  appendMessageWithFile(message: NewMessage, file: NewFile): Promise<AppendResult>;
  /** A stored file with its room (for the access check) and its bytes (null when kept on disk). */
  findFile(id: string): Promise<StoredFile | null>;
  /**
   * Which of these file ids a stored file has (the rest are orphans: see uploads/orphan-sweep.ts).
   * Any number of ids; they are looked up in one query per few hundred.
   */
  existingFileIds(ids: readonly string[]): Promise<Set<string>>;
}

export interface NewFile {
  attachment: Attachment;
  data: Uint8Array | null;
}

export interface StoredFile {
  attachment: Attachment;
  room: string;
  data: Uint8Array | null;
}

export interface SearchQuery {
  /** Lower-case words of letters and digits only (see chat/search.ts), at least one. */
  terms: string[];
  /** The reader: public rooms plus this account's private rooms and DMs (public only when null). */
  userId: string | null;
  /** Only this room (the caller has checked that the reader may use it). */
  room?: string;
  /** Only messages older than this id: the next page. */
  beforeId?: number;
  limit: number;
}

/** A public view of an account: what other users and the page may see. */
export interface User {
  id: string;
  username: string;
  createdAt: number;
}

export interface NewUser {
  username: string;
  /** The scrypt record `salt:hash` (both hex), see accounts/passwords.ts. */
  passwordHash: string;
  createdAt: number;
}

export interface UserCredentials {
  user: User;
  passwordHash: string;
}

export interface NewSession {
  tokenHash: string;
  userId: string;
  createdAt: number;
  expiresAt: number;
}

export interface SessionInfo {
  /** A stable id of the session that reveals nothing about its token (used to name its room). */
  id: string;
  user: User;
  expiresAt: number;
}

export const DEFAULT_ROOM = 'general';

/** A storage failure with a stable code, so handlers can answer with a clear error instead of crashing. */
export class StoreError extends Error {
  readonly code: 'STORE_LOCKED' | 'STORE_FAILED';
  constructor(code: StoreError['code'], message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
    this.code = code;
  }
}

/** One account's reading position in one room. */
export interface RoomReadState {
  room: string;
  /** The newest message id read; null when the account never opened the room. */
  lastRead: number | null;
  /** Messages from others after the marker, counted up to UNREAD_COUNT_CAP. */
  unread: number;
  /** Of those, the ones that mention the account (also counted in a room never opened). */
  mentions: number;
  muted: boolean;
}
