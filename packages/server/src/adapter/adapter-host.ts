/**
 * The {@link AdapterHost} of a namespace: the one door through which Parley's adapters reach the
 * server (they never call the namespace's or the sockets' internal members themselves).
 *
 * @example
 * class MyAdapter extends InMemoryAdapter {
 *   constructor(nsp) {
 *     super(nsp);
 *     const host = adapterHostOf(nsp);
 *     this.on('message-from-peer', (args) => host.receiveServerSideEmit(args));
 *   }
 * }
 */
import type { SocketPacket } from '@parley/protocol';
import type { AnyNamespace } from '../namespace/namespace.js';
import { namespaceSeam } from '../namespace/namespace-seam.js';
import type { PreparedPacket } from '../packets/prepared-packet.js';
import type { AnySocket } from '../socket/socket.js';
import { socketSeam } from '../socket/socket-seam.js';
import type { AdapterHost, PacketEncoder, RecoveryOptions, Session, SocketId } from './adapter-types.js';

class NamespaceHost implements AdapterHost<AnySocket> {
  readonly #nsp: AnyNamespace;

  constructor(nsp: AnyNamespace) {
    this.#nsp = nsp;
  }

  get name(): string {
    return this.#nsp.name;
  }

  get sockets(): ReadonlyMap<SocketId, AnySocket> {
    return this.#nsp.sockets;
  }

  get encoder(): PacketEncoder {
    return this.#nsp.server.encoder;
  }

  // Read on each use: an adapter may be built before the application finished configuring.
  get recovery(): RecoveryOptions | undefined {
    return namespaceSeam.internalsOf(this.#nsp).recovery;
  }

  nextAckId(): number {
    return namespaceSeam.nextAckId(this.#nsp);
  }

  receiveServerSideEmit(args: unknown[]): void {
    this.#nsp._onServerSideEmit(args);
  }

  deliver(socket: AnySocket, parts: PreparedPacket, packet: SocketPacket, volatile: boolean, compress: boolean): void {
    socketSeam.deliver(socket, parts, packet, volatile, compress);
  }

  awaitAck(socket: AnySocket, id: number, ack: (response: unknown) => void): void {
    socketSeam.awaitBroadcastAck(socket, id, ack);
  }

  sessionOf(id: SocketId): Session | undefined {
    const socket = this.#nsp.sockets.get(id);
    const pid = socket === undefined ? undefined : socketSeam.pidOf(socket);
    if (socket === undefined || pid === undefined) return undefined;
    return { sid: socket.id, pid, rooms: [...socket.rooms], data: socket.data };
  }
}

// One host per namespace, made when its first adapter asks.
const hosts = new WeakMap<AnyNamespace, NamespaceHost>();

/** The seam between `nsp` and its adapter; see {@link AdapterHost}. */
export function adapterHostOf(nsp: AnyNamespace): AdapterHost<AnySocket> {
  let host = hosts.get(nsp);
  if (host === undefined) {
    host = new NamespaceHost(nsp);
    hosts.set(nsp, host);
  }
  return host;
}
