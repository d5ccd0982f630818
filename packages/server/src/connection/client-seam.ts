/**
 * The seam between a client (one engine connection) and its sockets and namespaces: what they use
 * of it beyond its public API. The Client class fills it in from its private members, so it never
 * shows in the published types; it sits in a module of its own, which imports types only, so
 * sockets reach it with no runtime import of client.ts.
 *
 * `writePacket` and `writePrepared` run for every packet written: each is one call on this
 * module-level object, which allocates nothing and looks nothing up.
 */
import type { SocketPacket } from '@parley/protocol';
import type { PreparedPacket } from '../packets/prepared-packet.js';
import type { AnySocket } from '../socket/socket.js';
import type { AnyClient } from './client.js';

export interface ClientSeam {
  /** Encodes and writes one packet for this connection only. */
  writePacket(client: AnyClient, packet: SocketPacket, volatile: boolean, compress: boolean): void;
  /** Writes a packet prepared once for a whole broadcast. */
  writePrepared(client: AnyClient, parts: PreparedPacket, volatile: boolean, compress: boolean): void;
  /** The namespace accepted `socket` for `client`. */
  onSocketConnected(client: AnyClient, socket: AnySocket): void;
}

/** Filled in once, when client.ts is evaluated (see the static block of `Client`). */
export const clientSeam = {} as ClientSeam;
