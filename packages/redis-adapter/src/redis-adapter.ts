/**
 * The cluster adapter: the in-memory adapter for this node's sockets, plus Redis pub/sub to
 * reach the sockets of every other node serving the namespace.
 */
import { PacketType, type SocketPacket } from '@parley/protocol';
import {
  type AnyNamespace,
  type BroadcastOptions,
  InMemoryAdapter,
  type PrivateSessionId,
  type RestoredSession,
  type Room,
  type Session,
  type SocketDetails,
  type SocketId,
} from '@parley/server';
import { hasOwnChannel, namesFor } from './channels.js';
import { ClusterNode, type ClusterNodeState } from './cluster-node.js';
import { RedisAdapterError, RequestTimeoutError } from './errors.js';
import { MessageType, toWireOptions, type WireSocket } from './messages.js';
import type { NodeId } from './node-registry.js';
import { OffsetQueue } from './offset-queue.js';
import type { ResolvedOptions } from './options.js';
import { ClusterRecovery } from './recovery.js';
import type { RedisLink } from './redis-link.js';
import type { LocalNode } from './remote-requests.js';
import { RoomChannels } from './room-channels.js';

export type RedisAdapterState = ClusterNodeState;

type ServerSideAck = (err: Error | null, responses: unknown[]) => void;

/**
 * Events (besides the in-memory adapter's room events):
 * - `redis-down` (error?: Error): a Redis connection was lost. Local sockets stay connected;
 *   broadcasts reach local sockets only and cluster requests answer with local results.
 * - `redis-up`: both connections are back (node-redis resubscribed); the cluster reassembles.
 * - `redis-error` (error: Error): any error a Redis client or command reported.
 * - `node-up` / `node-down` (nodeId): another node appeared, or left / went silent.
 * - `cluster-error` (error: RedisAdapterError): an undecodable message or a failing handler.
 * None of them is `error`, so an application without listeners never crashes on an outage.
 */
export class RedisAdapter extends InMemoryAdapter {
  /** This node's id (shared by the adapters of every namespace of one server). */
  readonly uid: NodeId;
  readonly #link: RedisLink;
  readonly #opts: ResolvedOptions;
  readonly #cluster: ClusterNode;
  readonly #roomChannels: RoomChannels | undefined;
  readonly #offsets = new OffsetQueue();
  #recoveryState: ClusterRecovery | null | undefined;

  constructor(nsp: AnyNamespace, link: RedisLink, uid: NodeId, opts: ResolvedOptions) {
    super(nsp);
    this.uid = uid;
    this.#link = link;
    this.#opts = opts;
    // What other nodes ask is carried out by the in-memory adapter, on this node's sockets only.
    const local: LocalNode = {
      uid,
      nsp: nsp.name,
      broadcast: (packet, o, offset) => this.#deliverLocally(packet, o, offset),
      broadcastWithAck: (packet, o, count, ack) => super.broadcastWithAck(packet, o, count, ack),
      fetchSockets: async (o) => {
        await this.#roomsSubscribed();
        return super.fetchSockets(o);
      },
      sockets: async (rooms) => {
        await this.#roomsSubscribed();
        return super.sockets(rooms);
      },
      addSockets: (o, rooms) => super.addSockets(o, rooms),
      delSockets: (o, rooms) => super.delSockets(o, rooms),
      disconnectSockets: (o, close) => super.disconnectSockets(o, close),
      serverSideEmit: (args) => this.host.receiveServerSideEmit(args),
      reply: (to, message) => this.#cluster.publish(this.#cluster.names.responsesOf(to), message),
    };
    const emit = (event: string, ...args: unknown[]) => void this.emit(event, ...args);
    this.#cluster = new ClusterNode(link, namesFor(opts.key, nsp.name, uid), uid, opts, local, emit);
    if (opts.subscriptionMode !== 'static') {
      const rooms = new RoomChannels(link, this.#cluster.names.room, this.#cluster.onFrame);
      this.#roomChannels = rooms;
      this.on('create-room', (room: Room) => void rooms.add(room));
      this.on('delete-room', (room: Room) => void rooms.remove(room));
    }
  }

  /** Dynamic and sharded modes: the room subscriptions in flight, confirmed (bounded). */
  #roomsSubscribed(): Promise<void> | undefined {
    return this.#roomChannels?.settled(this.#opts.requestsTimeout);
  }

  get state(): RedisAdapterState {
    return this.#cluster.state;
  }

  /** Subscribes and starts the heartbeat. Idempotent: resolves once this node is listening. */
  override init(): Promise<void> {
    return this.#cluster.start();
  }

  /** Says goodbye, unsubscribes, and completes pending requests with what they have. */
  override close(): Promise<void> {
    this.#recoveryState?.close();
    return this.#cluster.stop(this.#roomChannels?.clear());
  }

  /** This node plus the live nodes it knows. */
  override serverCount(): Promise<number> {
    return Promise.resolve(1 + this.#cluster.size);
  }

  /** Ids of the other live nodes serving this namespace. */
  nodes(): NodeId[] {
    return this.#cluster.ids();
  }

  override broadcast(packet: SocketPacket, opts: BroadcastOptions): void {
    packet.nsp = this.host.name;
    if (opts.flags?.local === true) {
      super.broadcast(packet, opts);
      return;
    }
    const recovery = this.#recovery();
    const logged =
      recovery !== null &&
      packet.type === PacketType.EVENT &&
      packet.id === undefined &&
      opts.flags?.volatile !== true &&
      this.#link.state === 'up';
    if (!logged && this.#offsets.idle) {
      this.#send(packet, opts, undefined);
      return;
    }
    const data = packet.data as unknown[];
    const offset = logged ? recovery.append(data, opts) : undefined;
    this.#offsets.enqueue(
      offset,
      (id) => {
        if (id !== undefined) data.push(id);
        this.#send(packet, opts, id);
      },
      (error) =>
        this.emit('cluster-error', new RedisAdapterError('HANDLER_FAILED', 'broadcast failed', { cause: error })),
    );
  }

  override broadcastWithAck(
    packet: SocketPacket,
    opts: BroadcastOptions,
    clientCountCallback: (clientCount: number) => void,
    ack: (response: unknown) => void,
  ): void {
    packet.nsp = this.host.name;
    // Every node must report its client count, so this goes on the namespace channel.
    const data = packet.data as unknown[];
    this.#cluster.broadcastWithAck(this.#cluster.names.broadcast, data, toWireOptions(opts), clientCountCallback, ack);
    super.broadcastWithAck(packet, opts, clientCountCallback, ack);
  }

  /** Socket ids in any of `rooms` (all when empty), on every node. */
  override async sockets(rooms: Set<Room>): Promise<Set<SocketId>> {
    await this.#roomsSubscribed();
    const ids = await super.sockets(rooms);
    const outcome = await this.#cluster.request<string[]>((r) => ({
      t: MessageType.SOCKET_IDS,
      n: this.uid,
      r,
      rooms: [...rooms],
    }));
    for (const list of outcome.responses) for (const id of list) ids.add(id);
    return ids;
  }

  override async fetchSockets(opts: BroadcastOptions): Promise<SocketDetails[]> {
    await this.#roomsSubscribed();
    const sockets = await super.fetchSockets(opts);
    if (!this.#reachesOthers(opts)) return sockets;
    const outcome = await this.#cluster.request<WireSocket[]>((r) => ({
      t: MessageType.FETCH_SOCKETS,
      n: this.uid,
      r,
      opts: toWireOptions(opts),
    }));
    for (const list of outcome.responses) {
      for (const s of list) sockets.push({ id: s.id, handshake: s.handshake, rooms: new Set(s.rooms), data: s.data });
    }
    return sockets;
  }

  override addSockets(opts: BroadcastOptions, rooms: Room[]): void {
    if (this.#reachesOthers(opts)) {
      const message = { t: MessageType.SOCKETS_JOIN, n: this.uid, opts: toWireOptions(opts), rooms } as const;
      this.#cluster.publish(this.#cluster.names.requests, message);
    }
    super.addSockets(opts, rooms);
  }

  override delSockets(opts: BroadcastOptions, rooms: Room[]): void {
    if (this.#reachesOthers(opts)) {
      const message = { t: MessageType.SOCKETS_LEAVE, n: this.uid, opts: toWireOptions(opts), rooms } as const;
      this.#cluster.publish(this.#cluster.names.requests, message);
    }
    super.delSockets(opts, rooms);
  }

  override disconnectSockets(opts: BroadcastOptions, close: boolean): void {
    if (this.#reachesOthers(opts)) {
      const message = { t: MessageType.DISCONNECT_SOCKETS, n: this.uid, opts: toWireOptions(opts), close } as const;
      this.#cluster.publish(this.#cluster.names.requests, message);
    }
    super.disconnectSockets(opts, close);
  }

  /**
   * Emits to the other nodes' `io.on(event)` listeners. With an acknowledgement, it receives
   * one answer per node: `(null, answers)` once every live node answered, or
   * `(RequestTimeoutError, answers so far)` when one believed alive stayed silent.
   */
  override serverSideEmit(packet: unknown[]): void {
    const last = packet[packet.length - 1];
    if (typeof last !== 'function') {
      this.#cluster.publish(this.#cluster.names.requests, {
        t: MessageType.SERVER_SIDE_EMIT,
        n: this.uid,
        data: packet,
      });
      return;
    }
    const ack = last as ServerSideAck;
    const data = packet.slice(0, -1);
    void this.#cluster
      .request((r) => ({ t: MessageType.SERVER_SIDE_EMIT, n: this.uid, r, data }))
      .then((outcome) => {
        const { missing, expected, responses } = outcome;
        try {
          ack(missing > 0 ? new RequestTimeoutError(expected - missing, expected) : null, responses);
        } catch (error) {
          const cause = { cause: error };
          this.emit(
            'cluster-error',
            new RedisAdapterError('HANDLER_FAILED', 'serverSideEmit acknowledgement threw', cause),
          );
        }
      });
  }

  /** Keeps the session in Redis for `maxDisconnectionDuration` (never rejects). */
  override persistSession(session: Session): Promise<void> {
    return this.#recovery()?.persist(session) ?? Promise.resolve();
  }

  /** Restores a session stored by any node, with the broadcasts it missed (null if impossible). */
  override restoreSession(pid: PrivateSessionId, offset: string): Promise<RestoredSession | null> {
    const recovery = this.#recovery();
    if (recovery === null || this.#link.state !== 'up') return Promise.resolve(null);
    return recovery.restore(pid, offset);
  }

  override addAll(id: SocketId, rooms: Iterable<Room>): Promise<void> | void {
    const done = super.addAll(id, rooms);
    this.#recovery()?.joined(id);
    return done;
  }

  override del(id: SocketId, room: Room): Promise<void> | void {
    const done = super.del(id, room);
    this.#recovery()?.left(id, room);
    return done;
  }

  override delAll(id: SocketId): void {
    super.delAll(id);
    this.#recovery()?.gone(id);
  }

  #disconnectElsewhere(sid: SocketId): void {
    const opts = toWireOptions({ rooms: new Set([sid]) });
    this.#cluster.publish(this.#cluster.names.requests, {
      t: MessageType.DISCONNECT_SOCKETS,
      n: this.uid,
      opts,
      close: false,
    });
  }

  #send(packet: SocketPacket, opts: BroadcastOptions, offset: string | undefined): void {
    if (!this.#targetsLocalSocket(opts)) {
      const message = {
        t: MessageType.BROADCAST,
        n: this.uid,
        data: packet.data as unknown[],
        opts: toWireOptions(opts),
        ...(offset !== undefined && { o: offset }),
      };
      this.#cluster.publish(this.#channelFor(opts), message);
    }
    this.#deliverLocally(packet, opts, offset);
  }

  // Live delivery to this node's sockets. A logged broadcast skips the sockets that were just
  // restored with it already among their missed packets (see RestoreHandoff).
  #deliverLocally(packet: SocketPacket, opts: BroadcastOptions, offset: string | undefined): void {
    const skip =
      offset === undefined
        ? undefined
        : this.#recoveryState?.delivering({ offset, data: packet.data as unknown[], opts });
    if (skip === undefined) {
      super.broadcast(packet, opts);
      return;
    }
    if (opts.except !== undefined) for (const room of opts.except) skip.add(room);
    super.broadcast(packet, { ...opts, except: skip });
  }

  // A broadcast to one room goes on that room's channel (dynamic and sharded modes), so only
  // the nodes with members get it.
  #channelFor(opts: BroadcastOptions): string {
    if (this.#roomChannels !== undefined && opts.rooms.size === 1) {
      const [room] = opts.rooms;
      if (hasOwnChannel(room)) return this.#cluster.names.room(room);
    }
    return this.#cluster.names.broadcast;
  }

  #reachesOthers(opts: BroadcastOptions): boolean {
    return opts.flags?.local !== true && !this.#targetsLocalSocket(opts);
  }

  // `to(socket.id)` for a socket of this node (what RemoteSocket and socket.emit do): no other
  // node has it.
  #targetsLocalSocket(opts: BroadcastOptions): boolean {
    if (opts.rooms.size !== 1) return false;
    const [room] = opts.rooms;
    return typeof room === 'string' && this.host.sockets.has(room);
  }

  // Decided on first use: the server sets its recovery options before sockets connect.
  #recovery(): ClusterRecovery | null {
    if (this.#recoveryState === undefined) {
      const duration = this.host.recovery?.maxDisconnectionDuration;
      this.#recoveryState =
        typeof duration !== 'number' || duration <= 0
          ? null
          : new ClusterRecovery(this.#link, {
              uid: this.uid,
              names: this.#cluster.names,
              maxDisconnectionDuration: duration,
              streamMaxLength: this.#opts.streamMaxLength,
              heartbeatInterval: this.#opts.heartbeatInterval,
              crashRecovery: this.#opts.crashRecovery,
              sessionOf: (sid) => this.host.sessionOf(sid),
              isConnectedHere: (sid) => this.host.sockets.has(sid),
              disconnectElsewhere: (sid) => this.#disconnectElsewhere(sid),
              onError: (error) => this.#commandFailed(error),
            });
    }
    return this.#recoveryState;
  }

  #commandFailed(error: unknown): undefined {
    this.emit('redis-error', new RedisAdapterError('REDIS_COMMAND_FAILED', 'a Redis command failed', { cause: error }));
    return undefined;
  }
}
