/**
 * When incoming packets reach their sockets. socket.io hands each decoded packet to its socket
 * one tick later and runs event listeners one tick after that, so everything that arrived
 * together (one polling POST, the WebSocket frames of one read) is seen before any listener
 * runs. Applications observe it: an event followed by a DISCONNECT in the same batch never
 * reaches a listener, and acks in a batch settle before its events are dispatched.
 *
 * Parley keeps those semantics at one `process.nextTick` per batch rather than two per packet:
 * a client queues `[socket, packet]` pairs and drains them in two phases, (1) acks,
 * disconnects and event middlewares in arrival order, then (2) the listeners of the events
 * that passed, each skipped if its socket has disconnected meanwhile, and in their places the
 * `error` reports of events a middleware refused (see socket/refused-event.ts).
 */
import type { SocketPacket } from '@parley/protocol';
import type { AnySocket, Event } from '../socket/socket.js';
import { socketSeam } from '../socket/socket-seam.js';

/** Flat pairs `socket, args`: no object per event. */
export type ReadyEvents = unknown[];

// Drains never nest (they run from nextTick only), so one array serves them all.
const ready: ReadyEvents = [];

/** Runs both phases over `inbox` (flat pairs `socket, packet`, in arrival order). */
export function drainInbox(inbox: readonly unknown[]): void {
  // Cleared whatever happens, so that a bug surfacing here cannot replay events in the next drain.
  try {
    for (let i = 0; i < inbox.length; i += 2) {
      // Phase 1: the socket handles the packet; an event ready to dispatch is pushed to `ready`.
      (inbox[i] as AnySocket)._onpacket(inbox[i + 1] as SocketPacket, ready);
    }
    for (let i = 0; i < ready.length; i += 2) {
      // Phase 2: its listeners run (unless the socket disconnected meanwhile), or its refusal is reported.
      socketSeam.dispatch(ready[i] as AnySocket, ready[i + 1] as Event);
    }
  } finally {
    ready.length = 0;
  }
}
