/**
 * The messages nodes exchange over Redis, and their validation: a frame from Redis is input
 * like any other, so a malformed one is rejected with BadMessageError, never trusted.
 */
import type { BroadcastFlags, BroadcastOptions, Room } from '@parley/server';
import { BadMessageError } from './errors.js';
import type { NodeId } from './node-registry.js';

export const MessageType = {
  /** A node starts (or Redis came back): the others answer with a heartbeat at once. */
  HELLO: 1,
  HEARTBEAT: 2,
  /** A node closes its adapter: the others forget it at once. */
  GOODBYE: 3,
  BROADCAST: 4,
  BROADCAST_CLIENT_COUNT: 5,
  BROADCAST_ACK: 6,
  SOCKETS_JOIN: 7,
  SOCKETS_LEAVE: 8,
  DISCONNECT_SOCKETS: 9,
  FETCH_SOCKETS: 10,
  FETCH_SOCKETS_RESPONSE: 11,
  SOCKET_IDS: 12,
  SOCKET_IDS_RESPONSE: 13,
  SERVER_SIDE_EMIT: 14,
  SERVER_SIDE_EMIT_RESPONSE: 15,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** BroadcastOptions with arrays instead of sets, as they travel. */
export interface WireOptions {
  rooms: Room[];
  except: Room[];
  flags?: BroadcastFlags;
}

/** A socket of another node, as it travels in a fetchSockets answer. */
export interface WireSocket {
  id: string;
  handshake: unknown;
  rooms: Room[];
  data: unknown;
}

interface Base<T extends MessageType> {
  /** Type. */
  t: T;
  /** Sending node. */
  n: NodeId;
}

export type Message =
  | Base<typeof MessageType.HELLO>
  | Base<typeof MessageType.HEARTBEAT>
  | Base<typeof MessageType.GOODBYE>
  /**
   * `r` (request id) is present when the sender awaits acknowledgements; `o` when the broadcast
   * was logged for recovery (its stream offset, also the last element of `data`).
   */
  | (Base<typeof MessageType.BROADCAST> & { data: unknown[]; opts: WireOptions; r?: string; o?: string })
  | (Base<typeof MessageType.BROADCAST_CLIENT_COUNT> & { r: string; count: number })
  | (Base<typeof MessageType.BROADCAST_ACK> & { r: string; response: unknown })
  | (Base<typeof MessageType.SOCKETS_JOIN> & { opts: WireOptions; rooms: Room[] })
  | (Base<typeof MessageType.SOCKETS_LEAVE> & { opts: WireOptions; rooms: Room[] })
  | (Base<typeof MessageType.DISCONNECT_SOCKETS> & { opts: WireOptions; close: boolean })
  | (Base<typeof MessageType.FETCH_SOCKETS> & { r: string; opts: WireOptions })
  | (Base<typeof MessageType.FETCH_SOCKETS_RESPONSE> & { r: string; sockets: WireSocket[] })
  | (Base<typeof MessageType.SOCKET_IDS> & { r: string; rooms: Room[] })
  | (Base<typeof MessageType.SOCKET_IDS_RESPONSE> & { r: string; ids: string[] })
  /** `r` is present when the sender awaits one answer per node. */
  | (Base<typeof MessageType.SERVER_SIDE_EMIT> & { data: unknown[]; r?: string })
  | (Base<typeof MessageType.SERVER_SIDE_EMIT_RESPONSE> & { r: string; response: unknown });

export function toWireOptions(opts: BroadcastOptions): WireOptions {
  const wire: WireOptions = { rooms: [...opts.rooms], except: opts.except ? [...opts.except] : [] };
  if (opts.flags !== undefined) wire.flags = opts.flags;
  return wire;
}

export function fromWireOptions(wire: WireOptions): BroadcastOptions {
  return { rooms: new Set(wire.rooms), except: new Set(wire.except), flags: wire.flags ?? {} };
}

/** Checks the shape of a decoded frame (the fields each handler relies on). */
export function validateMessage(value: unknown): Message {
  if (value === null || typeof value !== 'object') throw new BadMessageError('not an object');
  const m = value as Record<string, unknown>;
  if (typeof m.n !== 'string' || typeof m.t !== 'number') throw new BadMessageError('missing type or node');
  const ok = (() => {
    switch (m.t) {
      case MessageType.HELLO:
      case MessageType.HEARTBEAT:
      case MessageType.GOODBYE:
        return true;
      case MessageType.BROADCAST:
        return isEvent(m.data) && isWireOptions(m.opts) && optionalString(m.r) && optionalString(m.o);
      case MessageType.BROADCAST_CLIENT_COUNT:
        return typeof m.r === 'string' && Number.isSafeInteger(m.count) && (m.count as number) >= 0;
      case MessageType.BROADCAST_ACK:
      case MessageType.SERVER_SIDE_EMIT_RESPONSE:
        return typeof m.r === 'string';
      case MessageType.SOCKETS_JOIN:
      case MessageType.SOCKETS_LEAVE:
        return isWireOptions(m.opts) && isRooms(m.rooms);
      case MessageType.DISCONNECT_SOCKETS:
        return isWireOptions(m.opts) && typeof m.close === 'boolean';
      case MessageType.FETCH_SOCKETS:
        return typeof m.r === 'string' && isWireOptions(m.opts);
      case MessageType.FETCH_SOCKETS_RESPONSE:
        return typeof m.r === 'string' && Array.isArray(m.sockets) && m.sockets.every(isWireSocket);
      case MessageType.SOCKET_IDS:
        return typeof m.r === 'string' && isRooms(m.rooms);
      case MessageType.SOCKET_IDS_RESPONSE:
        return typeof m.r === 'string' && Array.isArray(m.ids) && m.ids.every((id) => typeof id === 'string');
      case MessageType.SERVER_SIDE_EMIT:
        return isEvent(m.data) && optionalString(m.r);
      default:
        return false;
    }
  })();
  if (!ok) throw new BadMessageError(`malformed message of type ${m.t}`);
  return value as Message;
}

function optionalString(value: unknown): boolean {
  return value === undefined || typeof value === 'string';
}

function isEvent(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0 && typeof value[0] === 'string';
}

function isRooms(value: unknown): value is Room[] {
  return Array.isArray(value) && value.every((room) => typeof room === 'string' || typeof room === 'number');
}

function isWireOptions(value: unknown): value is WireOptions {
  if (value === null || typeof value !== 'object') return false;
  const o = value as Record<string, unknown>;
  return (
    isRooms(o.rooms) &&
    isRooms(o.except) &&
    (o.flags === undefined || (o.flags !== null && typeof o.flags === 'object' && !Array.isArray(o.flags)))
  );
}

function isWireSocket(value: unknown): value is WireSocket {
  if (value === null || typeof value !== 'object') return false;
  const s = value as Record<string, unknown>;
  return typeof s.id === 'string' && isRooms(s.rooms);
}
