/** The shapes a Socket works with: its options, outgoing packets, ack callbacks, retry entries. */
import type { SocketPacket } from '@parley/protocol';
import type { Listener } from './emitter.js';

export interface SocketOptions {
  /** Sent with the CONNECT packet: an object, or a function that produces one (called on each connect). */
  auth?: Record<string, unknown> | ((callback: (data: Record<string, unknown>) => void) => void);
  /** Retry each emit until acknowledged, up to this many extra times; one emit in flight (ordered). */
  retries?: number;
  /** Default ack timeout in ms for every emit with an ack (and each retry). */
  ackTimeout?: number;
  /**
   * Parley option, off by default: when the connection drops, call every pending ack at once
   * with an `AckError` (code `DISCONNECTED`), plain callbacks included (as their only argument).
   * By default, as in socket.io-client, only acks that take an error first (`timeout()`,
   * `ackTimeout`, `emitWithAck`) fail; a plain callback is never called.
   */
  failPendingAcksOnDisconnect?: boolean;
}

/**
 * A packet as the socket queues it: the Socket.IO packet plus per-message options. The namespace
 * is set as it is written, so that `sendBuffer` entries look like socket.io-client's (no `nsp`).
 */
export interface OutgoingSocketPacket extends Omit<SocketPacket, 'nsp'> {
  nsp?: string;
  options?: { compress?: boolean };
}

/**
 * `withError`: the callback takes an error (or null) first, so it is called on timeout and on
 * disconnection. `resentOnReconnect`: a retried packet's callback, left pending across a
 * disconnection (the packet is sent again) unless a timeout wraps it.
 */
export type Ack = Listener & { withError?: boolean; resentOnReconnect?: boolean };
export interface Flags {
  compress?: boolean;
  volatile?: boolean;
  timeout?: number;
  fromQueue?: boolean;
}
export interface QueuedEmit {
  tryCount: number;
  pending: boolean;
  args: unknown[];
  flags: Flags;
}
