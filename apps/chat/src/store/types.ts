/**
 * The persistence seam of the chat: everything the socket handlers need from storage, so SQLite
 * (one process, zero setup) and PostgreSQL (several nodes sharing one database) are swappable.
 */

/** One stored chat message. `id` grows monotonically across all rooms: clients catch up by it. */
export interface ChatMessage {
  id: number;
  room: string;
  nick: string;
  text: string;
  /** Milliseconds since the epoch, assigned by the server. */
  ts: number;
  /** The sender's idempotency key: a resend of the same message is recognised, never stored twice. */
  clientId: string | null;
}

export interface RoomInfo {
  name: string;
  createdAt: number;
}

/** A page of messages in ascending id order; `hasMore` says whether the query was cut at its limit. */
export interface MessagePage {
  messages: ChatMessage[];
  hasMore: boolean;
}

export interface NewMessage {
  room: string;
  nick: string;
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
  listRooms(): Promise<RoomInfo[]>;
  roomExists(name: string): Promise<boolean>;
  /** Creates a room; `created` is false when it already existed (not an error: the caller joins it). */
  createRoom(name: string, ts: number): Promise<{ room: RoomInfo; created: boolean }>;
  /** Durably stores a message (committed before it resolves), deduplicated by clientId. */
  appendMessage(message: NewMessage): Promise<AppendResult>;
  /** The newest `limit` messages of a room. */
  latest(room: string, limit: number): Promise<MessagePage>;
  /** The `limit` messages just before `beforeId` (for scrolling up). */
  before(room: string, beforeId: number, limit: number): Promise<MessagePage>;
  /** The `limit` oldest messages after `afterId` (for catching up after a disconnect). */
  after(room: string, afterId: number, limit: number): Promise<MessagePage>;
  close(): Promise<void>;
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
