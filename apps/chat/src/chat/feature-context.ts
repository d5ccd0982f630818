/**
 * What a chat feature module (search.ts, uploads/, ...) gets from the per-socket handlers: the
 * same request wiring (budget spent first, errors answered through the ack) and the same access
 * checks as the core events, so a feature cannot forget either.
 */
import type { RealtimeServer, Socket } from '../realtime.js';
import type { ChatStore, RoomInfo } from '../store/index.js';
import type { RequestKind } from './request-limits.js';

export interface FeatureContext {
  io: RealtimeServer;
  socket: Socket;
  store: ChatStore;
  /** The key this socket's requests are limited by, shared with the user's other sockets. */
  identity: string;
  /** Wires a request event: spends one `kind` from the user's budget, then runs `handle`; see handlers.ts. */
  onRequest(event: string, kind: RequestKind, handle: (payload: unknown) => Promise<object>): void;
  /** The room named by `value` if this socket's account may use it; else UNKNOWN_ROOM, as for a missing room. */
  accessibleRoom(value: unknown): Promise<RoomInfo>;
  /** The signed-in account's id, or null for a nickname-only connection. */
  userId(): string | null;
}
