/**
 * The seam between a socket and the parts that serve it (its client's inbox, the adapter host):
 * what they use of it beyond its public API. The Socket class fills it in from its private
 * members, so it never shows in the published types; it sits in a module of its own, which
 * imports types only, so those parts need no runtime import of socket.ts.
 *
 * `deliver`, `dispatch` and `awaitBroadcastAck` run for every broadcast delivery, incoming event
 * and broadcast ack: each is one call on this module-level object, which allocates nothing and
 * looks nothing up.
 */
import type { SocketPacket } from '@parley/protocol';
import type { PrivateSessionId } from '../adapter/adapter-types.js';
import type { PreparedPacket } from '../packets/prepared-packet.js';
import type { RefusedEvent } from './refused-event.js';
import type { AnySocket, Event } from './socket.js';

export interface SocketSeam {
  /** The private session id; undefined without connection state recovery. */
  pidOf(socket: AnySocket): PrivateSessionId | undefined;
  /** Hands a broadcast's prepared parts to the socket's connection. */
  deliver(socket: AnySocket, parts: PreparedPacket, packet: SocketPacket, volatile: boolean, compress: boolean): void;
  /** A broadcast with acknowledgement waits for the socket's answer under `id`. */
  awaitBroadcastAck(socket: AnySocket, id: number, ack: (response: unknown) => void): void;
  /** Stops waiting for the answer under `id` (its broadcast timed out). */
  forgetAck(socket: AnySocket, id: number): void;
  /**
   * Runs the listeners of an incoming event, unless the socket disconnected since it arrived, or
   * reports the refusal of one (phase 2 of the inbox, see inbox.ts).
   */
  dispatch(socket: AnySocket, args: Event | RefusedEvent): void;
}

/** Filled in once, when socket.ts is evaluated (see the static block of `Socket`). */
export const socketSeam = {} as SocketSeam;
