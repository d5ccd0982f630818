/**
 * The in-memory adapter: rooms and broadcasts for the sockets of one namespace in this process.
 * It is the base class Parley's cluster adapters extend; it reaches the server only through the
 * namespace's {@link AdapterHost}.
 */
import { EventEmitter } from 'node:events';
import type { SocketPacket } from '@parley/protocol';
import type { AnyNamespace } from '../namespace/namespace.js';
import { type PreparedPacket, preparePacket } from '../packets/prepared-packet.js';
import type { AnySocket } from '../socket/socket.js';
import { adapterHostOf } from './adapter-host.js';
import type {
  AdapterContract,
  AdapterHost,
  BroadcastOptions,
  PrivateSessionId,
  RestoredSession,
  Room,
  Session,
  SocketDetails,
  SocketId,
} from './adapter-types.js';

interface Delivery {
  host: AdapterHost<AnySocket>;
  parts: PreparedPacket;
  packet: SocketPacket;
  volatile: boolean;
  compress: boolean;
}

// Module-level visitor: a broadcast allocates one small context object, never a closure per target.
function deliver(socket: AnySocket, delivery: Delivery): void {
  delivery.host.deliver(socket, delivery.parts, delivery.packet, delivery.volatile, delivery.compress);
}

/**
 * Rooms are a Map of Sets both ways (`rooms`: room -> socket ids, `sids`: socket id -> rooms),
 * as in socket.io. Events: `create-room`, `delete-room`, `join-room`, `leave-room`.
 */
export class InMemoryAdapter extends EventEmitter implements AdapterContract {
  readonly nsp: AnyNamespace;
  /** What the server gives this adapter: sockets, encoder, recovery options, writing to a client. */
  protected readonly host: AdapterHost<AnySocket>;
  readonly rooms = new Map<Room, Set<SocketId>>();
  readonly sids = new Map<SocketId, Set<Room>>();

  constructor(nsp: AnyNamespace) {
    super();
    this.nsp = nsp;
    this.host = adapterHostOf(nsp);
  }

  init(): Promise<void> | void {}

  close(): Promise<void> | void {}

  /** How many servers share this namespace (1 without a cluster). */
  serverCount(): Promise<number> {
    return Promise.resolve(1);
  }

  addAll(id: SocketId, rooms: Iterable<Room>): Promise<void> | void {
    let joined = this.sids.get(id);
    if (joined === undefined) {
      joined = new Set();
      this.sids.set(id, joined);
    }
    for (const room of rooms) {
      joined.add(room);
      let members = this.rooms.get(room);
      if (members === undefined) {
        members = new Set();
        this.rooms.set(room, members);
        this.emit('create-room', room);
      }
      if (!members.has(id)) {
        members.add(id);
        this.emit('join-room', room, id);
      }
    }
  }

  del(id: SocketId, room: Room): Promise<void> | void {
    this.sids.get(id)?.delete(room);
    this.#removeMember(room, id);
  }

  delAll(id: SocketId): void {
    const joined = this.sids.get(id);
    if (joined === undefined) return;
    for (const room of joined) this.#removeMember(room, id);
    this.sids.delete(id);
  }

  #removeMember(room: Room, id: SocketId): void {
    const members = this.rooms.get(room);
    if (members === undefined || !members.delete(id)) return;
    this.emit('leave-room', room, id);
    if (members.size === 0 && this.rooms.delete(room)) this.emit('delete-room', room);
  }

  /** Encodes the packet once and hands the same prepared parts to every target socket. */
  broadcast(packet: SocketPacket, opts: BroadcastOptions): void {
    packet.nsp = this.host.name;
    const delivery: Delivery = {
      host: this.host,
      parts: preparePacket(packet, this.host.encoder),
      packet,
      volatile: opts.flags?.volatile === true,
      compress: opts.flags?.compress !== false,
    };
    this.forEachTarget(opts, deliver, delivery);
  }

  /**
   * Broadcasts a packet that asks for an acknowledgement. All targets share one ack id (ids come
   * from the namespace's counter, so they never clash with a socket's own).
   */
  broadcastWithAck(
    packet: SocketPacket,
    opts: BroadcastOptions,
    clientCountCallback: (clientCount: number) => void,
    ack: (response: unknown) => void,
  ): void {
    packet.nsp = this.host.name;
    const host = this.host;
    const id = host.nextAckId();
    packet.id = id;
    const parts = preparePacket(packet, host.encoder);
    const volatile = opts.flags?.volatile === true;
    const compress = opts.flags?.compress !== false;
    let clientCount = 0;
    this.forEachTarget(opts, (socket) => {
      clientCount++;
      host.awaitAck(socket, id, ack);
      host.deliver(socket, parts, packet, volatile, compress);
    });
    clientCountCallback(clientCount);
  }

  /** Ids of the sockets in any of the rooms (all sockets when `rooms` is empty). */
  sockets(rooms: Set<Room>): Promise<Set<SocketId>> {
    const ids = new Set<SocketId>();
    this.forEachTarget({ rooms }, (socket) => ids.add(socket.id));
    return Promise.resolve(ids);
  }

  socketRooms(id: SocketId): Set<Room> | undefined {
    return this.sids.get(id);
  }

  fetchSockets(opts: BroadcastOptions): Promise<SocketDetails[]> {
    const sockets: AnySocket[] = [];
    this.forEachTarget(opts, (socket) => sockets.push(socket));
    return Promise.resolve(sockets);
  }

  addSockets(opts: BroadcastOptions, rooms: Room[]): void {
    for (const socket of this.#snapshot(opts)) socket.join(rooms);
  }

  delSockets(opts: BroadcastOptions, rooms: Room[]): void {
    for (const socket of this.#snapshot(opts)) for (const room of rooms) socket.leave(room);
  }

  disconnectSockets(opts: BroadcastOptions, close: boolean): void {
    for (const socket of this.#snapshot(opts)) socket.disconnect(close);
  }

  /**
   * Alone in this process there is no other server to tell. socket.io's in-memory adapter only
   * warns and never calls an ack (so `serverSideEmitWithAck` stays pending); apps may rely on that.
   */
  serverSideEmit(_packet: unknown[]): void {
    console.warn('[parley] serverSideEmit() is ignored: the in-memory adapter has no other server to reach');
  }

  /** Sessions are only stored by the session-aware adapter. */
  persistSession(_session: Session): Promise<void> | void {}

  restoreSession(_pid: PrivateSessionId, _offset: string): Promise<RestoredSession | null> | RestoredSession | null {
    return null;
  }

  /**
   * Calls `visit` once per local socket matching the options: sockets in any of `rooms` (or all),
   * minus sockets in any of `except`. A socket in several rooms is visited once.
   */
  forEachTarget<C>(opts: BroadcastOptions, visit: (socket: AnySocket, context: C) => void, context?: C): void {
    const sockets = this.host.sockets;
    const except = this.#exceptSids(opts.except);
    const rooms = opts.rooms;
    if (rooms.size === 0) {
      for (const socket of sockets.values()) {
        if (except === undefined || !except.has(socket.id)) visit(socket, context as C);
      }
      return;
    }
    const seen = rooms.size > 1 ? new Set<SocketId>() : undefined;
    for (const room of rooms) {
      const members = this.rooms.get(room);
      if (members === undefined) continue;
      for (const id of members) {
        if (except?.has(id)) continue;
        if (seen !== undefined) {
          if (seen.has(id)) continue;
          seen.add(id);
        }
        const socket = sockets.get(id);
        if (socket !== undefined) visit(socket, context as C);
      }
    }
  }

  // Room changes and disconnections mutate the sets being walked, so act on a copy.
  #snapshot(opts: BroadcastOptions): AnySocket[] {
    const sockets: AnySocket[] = [];
    this.forEachTarget(opts, (socket) => sockets.push(socket));
    return sockets;
  }

  #exceptSids(except: Set<Room> | undefined): Set<SocketId> | undefined {
    if (except === undefined || except.size === 0) return undefined;
    const ids = new Set<SocketId>();
    for (const room of except) {
      const members = this.rooms.get(room);
      if (members !== undefined) for (const id of members) ids.add(id);
    }
    return ids;
  }
}

/** socket.io's name for the in-memory adapter class. */
export { InMemoryAdapter as Adapter };
