/**
 * What handlers.ts hands a feature module (read-state.ts, away.ts, search.ts, uploads/, ...) for
 * one socket: the shared services and the same request wiring (budget spent first, errors answered
 * through the ack) and access checks as the core events, so a feature cannot forget either.
 */
import type { RealtimeServer, Socket } from '../realtime.js';
import type { ChatStore, RoomInfo } from '../store/index.js';
import type { RequestEvent } from './events.js';
import type { Presence } from './presence.js';
import type { RequestKind } from './request-limits.js';
import type { RoomDirectory } from './rooms.js';

export interface FeatureContext {
  socket: Socket;
  io: RealtimeServer;
  store: ChatStore;
  rooms: RoomDirectory;
  presence: Presence;
  /** The key this socket's requests are limited by, shared with the user's other sockets. */
  identity: string;
  /** Answers `event` through its ack, after spending one request of `kind` from the user's budget. */
  onRequest(event: RequestEvent, kind: RequestKind, handle: (payload: unknown) => Promise<object>): void;
  /** The account id, or a NOT_ALLOWED error for a nickname-only socket. */
  signedInId(): string;
  /** The signed-in account's id, or null for a nickname-only connection. */
  userId(): string | null;
  /** The room named by `value` if this account may use it, else the UNKNOWN_ROOM error (as for a missing room). */
  accessibleRoom(value: unknown): Promise<RoomInfo>;
}
