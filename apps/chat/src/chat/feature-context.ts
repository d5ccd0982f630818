import type { RealtimeServer, Socket } from '../realtime.js';
import type { ChatStore, RoomInfo } from '../store/index.js';
import type { Presence } from './presence.js';
import type { RequestKind } from './request-limits.js';
import type { RoomDirectory } from './rooms.js';

/**
 * What handlers.ts hands a feature module for one socket: the shared services and the socket's
 * request plumbing (rate limit, validation of the room, ack), so each feature registers its own
 * events without reaching into the others.
 */
export interface FeatureContext {
  socket: Socket;
  io: RealtimeServer;
  store: ChatStore;
  rooms: RoomDirectory;
  presence: Presence;
  /** Answers `event` through its ack, after spending one request of `kind` from the user's budget. */
  onRequest(event: string, kind: RequestKind, handle: (payload: unknown) => Promise<object>): void;
  /** The account id, or a NOT_ALLOWED error for a nickname-only socket. */
  signedInId(): string;
  /** The room named by `value` if this account may use it, else the UNKNOWN_ROOM error. */
  accessibleRoom(value: unknown): Promise<RoomInfo>;
}
