/** Socket.IO v5 packet types and shapes. */

export const PacketType = {
  CONNECT: 0,
  DISCONNECT: 1,
  EVENT: 2,
  ACK: 3,
  CONNECT_ERROR: 4,
  BINARY_EVENT: 5,
  BINARY_ACK: 6,
} as const;
export type PacketType = (typeof PacketType)[keyof typeof PacketType];

/** Event names that belong to the library; a peer may not send them and a user may not emit them. */
export const RESERVED_EVENTS: ReadonlySet<string> = new Set([
  'connect',
  'connect_error',
  'disconnect',
  'disconnecting',
  'newListener',
  'removeListener',
]);

/** A decoded (or to-be-encoded) Socket.IO packet. */
export interface SocketPacket {
  type: PacketType;
  /** Namespace, `/` when absent on the wire. */
  nsp: string;
  /** Ack id: set on an EVENT that wants an answer, and on every ACK. */
  id?: number;
  /** CONNECT: auth object; EVENT: [name, ...args]; ACK: args; CONNECT_ERROR: { message, data }. */
  data?: unknown;
}

/**
 * A packet encoded once: one text part and its binary attachments, in order. Immutable by
 * convention, so one instance can be handed to any number of connections.
 */
export interface EncodedPacket {
  readonly text: string;
  readonly attachments: readonly Uint8Array[];
}
