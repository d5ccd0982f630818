/**
 * What changes for socket.io-client 2.x (Engine.IO v3, Socket.IO protocol 4), served with
 * `allowEIO3`. Such a client is recognised by its engine session's `protocol` (3). Compared to
 * today's clients:
 * - it never sends CONNECT for the main namespace: the server connects it to `/` at once;
 * - its namespace may carry a query (`/admin?token=x`), which is the socket's `handshake.auth`;
 * - its socket ids are not random: the engine id on `/`, `<namespace>#<engine id>` elsewhere
 *   (the client computes the same string as its own `socket.id`);
 * - CONNECT carries no payload, and CONNECT_ERROR carries the middleware error's `data`, or its
 *   message, rather than `{ message, data }`.
 */
import { PacketType, ProtocolError, type SocketPacket } from '@parley/protocol';
import type { EngineSocketLike } from '../engine/contract.js';

/** True for the session of a socket.io-client 2.x. */
export function isLegacyConnection(conn: EngineSocketLike): boolean {
  return conn.protocol === 3;
}

/**
 * Splits the namespace of a packet from a legacy client into its path and query, as socket.io
 * does (parsed as a URL path); a CONNECT's payload becomes the query's parameters. Updates
 * `packet` in place; throws a ProtocolError for a namespace that is no URL path (`//[`).
 */
export function fromLegacyPacket(packet: SocketPacket): SocketPacket {
  if (packet.nsp === '/' && packet.type !== PacketType.CONNECT) return packet;
  let url: URL;
  try {
    url = new URL(packet.nsp, 'https://socket.io');
  } catch (cause) {
    throw new ProtocolError('INVALID_NAMESPACE', `invalid namespace "${packet.nsp.slice(0, 64)}"`, { cause });
  }
  packet.nsp = url.pathname;
  if (packet.type === PacketType.CONNECT) {
    // Without a prototype, as socket.io builds it: a parameter named `__proto__` stays data.
    const auth: Record<string, unknown> = Object.create(null);
    for (const [name, value] of url.searchParams) auth[name] = value;
    packet.data = auth;
  }
  return packet;
}

/** The id of a legacy client's socket in namespace `nsp`, the one the client computes too. */
export function legacySocketId(nsp: string, engineId: string): string {
  return nsp === '/' ? engineId : `${nsp}#${engineId}`;
}

/** The CONNECT_ERROR payload a legacy client expects for a middleware's error. */
export function legacyConnectError(error: { message: string; data?: unknown }): unknown {
  return error.data || error.message;
}
