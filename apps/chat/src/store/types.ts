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
  /** A file sent with the message (its bytes are fetched from `/files/<id>/<name>`). */
  attachment?: Attachment;
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
  /** A DM's two usernames, in room lists and announcements (the page labels the DM by the other one). */
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
  close(): Promise<void>;

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
