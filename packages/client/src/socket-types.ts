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
}

/** A packet as the socket queues it: the Socket.IO packet plus per-message options. */
export interface OutgoingSocketPacket extends SocketPacket {
  options?: { compress?: boolean };
}

export type Ack = Listener & { withError?: boolean };
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
