/**
 * A client's connection to one namespace: the `socket` of `io.on('connection', socket => ...)`.
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { PacketType, RESERVED_EVENTS, type SocketPacket } from '@parley/protocol';
import type { BroadcastFlags, PrivateSessionId, RestoredSession, Room, SocketId } from '../adapter/adapter-types.js';
import { BroadcastOperator } from '../broadcast/broadcast-operator.js';
import type { Client } from '../connection/client.js';
import { clientSeam } from '../connection/client-seam.js';
import type { ReadyEvents } from '../connection/inbox.js';
import { isLegacyConnection } from '../connection/legacy-clients.js';
import type { EngineSocketLike } from '../engine/contract.js';
import { ReservedEventError } from '../errors.js';
import { CatchAllEmitter } from '../events/catch-all-emitter.js';
import { useFastListenerTable } from '../events/listener-table.js';
import type {
  AllButLast,
  DecorateAcknowledgements,
  DefaultEventsMap,
  EventNames,
  EventNamesWithAck,
  EventParams,
  EventsMap,
  FirstNonErrorArg,
  Last,
} from '../events/typed-events.js';
import { runChain } from '../namespace/middleware-chain.js';
import type { Namespace } from '../namespace/namespace.js';
import { namespaceSeam } from '../namespace/namespace-seam.js';
import type { PreparedPacket } from '../packets/prepared-packet.js';
import type { Server } from '../server.js';
import { type AckCallback, PendingAcks } from './acks.js';
import { buildHandshake, type Handshake, issuedAt, issuedNow } from './handshake.js';
import { RefusedEvent } from './refused-event.js';
import { type DisconnectReason, RECOVERABLE_DISCONNECT_REASONS } from './socket-reasons.js';
import { socketSeam } from './socket-seam.js';

export type { DisconnectReason } from './socket-reasons.js';

export interface SocketReservedEvents {
  disconnect: (reason: DisconnectReason, description?: unknown) => void;
  disconnecting: (reason: DisconnectReason, description?: unknown) => void;
  error: (err: Error) => void;
}

/** A packet as `socket.use` middlewares see it: `[event, ...args]`. */
// biome-ignore lint/suspicious/noExplicitAny: packets carry arbitrary arguments
export type Event = [string, ...any[]];
export type SocketMiddleware = (event: Event, next: (err?: Error) => void) => void;

/** A socket whatever its event maps and data: what adapters and other generic code take. */
// biome-ignore lint/suspicious/noExplicitAny: the one spelling of "any socket"
export type AnySocket = Socket<any, any, any, any>;

export class Socket<
  ListenEvents extends EventsMap = DefaultEventsMap,
  EmitEvents extends EventsMap = DefaultEventsMap,
  ServerSideEvents extends EventsMap = DefaultEventsMap,
  // biome-ignore lint/suspicious/noExplicitAny: socket.io's default for untyped data
  SocketData = any,
> extends CatchAllEmitter<ListenEvents, EmitEvents, SocketReservedEvents> {
  /** The socket id, shared with the client (`socket.id` there). */
  readonly id: SocketId;
  readonly nsp: Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>;
  readonly client: Client<ListenEvents, EmitEvents, ServerSideEvents, SocketData>;
  /** Created on first use: most sockets never carry application data. */
  #data: SocketData | undefined;
  /** Whether the socket is connected to its namespace. */
  connected = false;
  /** Whether this connection restored a previous session (connection state recovery). */
  readonly recovered: boolean = false;
  /** The private session id, only with connection state recovery. */
  readonly #pid: PrivateSessionId | undefined;

  /** Undefined when the client sent no auth payload (`handshake.auth` is then `{}`). */
  readonly #auth: Record<string, unknown> | undefined;
  /** When the socket connected, as {@link issuedNow} gives it. */
  readonly #issued = issuedNow();
  #handshake: Handshake | undefined;
  // Everything below is created on first use: most sockets never need it.
  #flags: BroadcastFlags | undefined;
  #acks: PendingAcks | undefined;
  #middlewares: SocketMiddleware[] | undefined;
  /** Set once the socket has left its namespace (or was refused): `join()` is then a no-op. */
  #left = false;

  // The socket's side of its seam with the inbox and the adapter host (see socket-seam.ts).
  static {
    socketSeam.pidOf = (socket) => socket.#pid;
    socketSeam.deliver = (socket, parts, packet, volatile, compress) =>
      socket.#deliver(parts, packet, volatile, compress);
    socketSeam.awaitBroadcastAck = (socket, id, ack) => socket.#pendingAcks().expect(socket, id, ack, undefined);
    socketSeam.dispatch = (socket, args) => socket.#dispatch(args);
    socketSeam.forgetAck = (socket, id) => socket.#acks?.callbacks.delete(id);
  }

  constructor(
    nsp: Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
    client: Client<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
    auth: Record<string, unknown> | undefined,
    id: SocketId,
    pid: PrivateSessionId | undefined,
    session?: RestoredSession,
  ) {
    super({ captureRejections: true });
    useFastListenerTable(this);
    this.nsp = nsp;
    this.client = client;
    this.#auth = auth;
    this.id = session?.sid ?? id;
    this.#pid = session?.pid ?? pid;
    if (session !== undefined) {
      this.recovered = true;
      this.#data = session.data as SocketData;
      // Before the middlewares run, as in socket.io: they see the restored rooms in `socket.rooms`.
      this.adapter.addAll(this.id, session.rooms);
    }
  }

  /** Application data, kept across a recovered connection and visible through fetchSockets(). */
  get data(): SocketData {
    this.#data ??= {} as SocketData;
    return this.#data;
  }

  set data(value: SocketData) {
    this.#data = value;
  }

  get server(): Server<ListenEvents, EmitEvents, ServerSideEvents, SocketData> {
    return this.nsp.server;
  }

  get adapter(): Namespace['adapter'] {
    return this.nsp.adapter;
  }

  /** The Engine.IO session under this socket (shared by its sockets in other namespaces). */
  get conn(): EngineSocketLike {
    return this.client.conn;
  }

  /** The handshake request (its headers, url, address), as `socket.request` in socket.io. */
  get request(): IncomingMessage {
    return this.client.conn.request;
  }

  /** Built on first access: most applications never read it. */
  get handshake(): Handshake {
    this.#handshake ??= buildHandshake(this.client.conn, issuedAt(this.#issued), this.#auth ?? {});
    return this.#handshake;
  }

  /**
   * In socket.io the handshake is a plain property, and middlewares of JavaScript applications
   * replace it (`socket.handshake = { ...socket.handshake, user }`); a getter alone would throw.
   */
  set handshake(value: Handshake) {
    this.#handshake = value;
  }

  get disconnected(): boolean {
    return !this.connected;
  }

  /** The rooms the socket is in, its own id included. */
  get rooms(): Set<Room> {
    return this.adapter.socketRooms(this.id) ?? new Set();
  }

  /**
   * Sends an event to this client; a function as last argument receives its acknowledgement.
   *
   * @example
   * socket.emit('hello', 'world', (answer) => console.log(answer));
   */
  override emit<E extends EventNames<EmitEvents>>(event: E, ...args: EventParams<EmitEvents, E>): boolean {
    if (RESERVED_EVENTS.has(event as string)) throw new ReservedEventError(String(event));
    const data: unknown[] = [event, ...args];
    const packet: SocketPacket = { type: PacketType.EVENT, nsp: this.nsp.name, data };
    const flags = this.#flags;
    this.#flags = undefined;
    if (typeof data[data.length - 1] === 'function') {
      const id = namespaceSeam.nextAckId(this.nsp);
      this.#pendingAcks().expect(this, id, data.pop() as AckCallback, flags?.timeout);
      packet.id = id;
    }
    if (namespaceSeam.internalsOf(this.nsp).recovery !== undefined) {
      // Through the adapter, so the packet gets an offset and is logged for a later recovery.
      this.adapter.broadcast(packet, { rooms: new Set([this.id]), except: new Set(), flags: flags ?? {} });
    } else {
      this.notifyOutgoing(data);
      clientSeam.writePacket(this.client, packet, flags?.volatile === true, flags?.compress !== false);
    }
    return true;
  }

  /**
   * Emits and resolves with the acknowledgement (rejects on `timeout(ms)`).
   *
   * @example
   * const answer = await socket.timeout(1000).emitWithAck('question', 42);
   */
  emitWithAck<E extends EventNamesWithAck<EmitEvents>>(
    event: E,
    ...args: AllButLast<EventParams<EmitEvents, E>>
  ): Promise<FirstNonErrorArg<Last<EventParams<EmitEvents, E>>>> {
    const withError = this.#flags?.timeout !== undefined;
    return new Promise((resolve, reject) => {
      const ack = (first: unknown, second: unknown) => {
        if (!withError) resolve(first as never);
        else if (first) reject(first);
        else resolve(second as never);
      };
      (this.emit as (...a: unknown[]) => boolean)(event, ...args, ack);
    });
  }

  /** Sends a `message` event (socket.io's `send`). */
  send(...args: EventParams<EmitEvents, 'message'>): this {
    (this.emit as (...a: unknown[]) => boolean)('message', ...args);
    return this;
  }

  /** Alias of {@link send}. */
  write(...args: EventParams<EmitEvents, 'message'>): this {
    return this.send(...args);
  }

  /** The next emit's acknowledgement fails with an error after `ms` without answer. */
  timeout(ms: number): Socket<ListenEvents, DecorateAcknowledgements<EmitEvents>, ServerSideEvents, SocketData> {
    this.#setFlag('timeout', ms);
    return this as unknown as Socket<ListenEvents, DecorateAcknowledgements<EmitEvents>, ServerSideEvents, SocketData>;
  }

  /** The next emit may be dropped if the client cannot take it right now. */
  get volatile(): this {
    return this.#setFlag('volatile', true);
  }

  compress(compress: boolean): this {
    return this.#setFlag('compress', compress);
  }

  /** Broadcast to every other socket of the namespace. */
  get broadcast(): BroadcastOperator<EmitEvents, SocketData> {
    return this.#broadcastOperator();
  }

  /** Broadcast only to this server's sockets (matters with a cluster adapter). */
  get local(): BroadcastOperator<EmitEvents, SocketData> {
    return this.#broadcastOperator().local;
  }

  /** Broadcast to the sockets in `room` (this socket excluded). */
  to(room: Room | Room[]): BroadcastOperator<EmitEvents, SocketData> {
    return this.#broadcastOperator().to(room);
  }

  in(room: Room | Room[]): BroadcastOperator<EmitEvents, SocketData> {
    return this.to(room);
  }

  except(room: Room | Room[]): BroadcastOperator<EmitEvents, SocketData> {
    return this.#broadcastOperator().except(room);
  }

  /** Joins one or more rooms; once the socket has disconnected, this does nothing (as in socket.io). */
  join(rooms: Room | Room[]): Promise<void> | void {
    if (this.#left) return;
    return this.adapter.addAll(this.id, Array.isArray(rooms) ? rooms : [rooms]);
  }

  leave(room: Room): Promise<void> | void {
    return this.adapter.del(this.id, room);
  }

  /**
   * Disconnects from this namespace (the client gets a DISCONNECT packet and does not reconnect);
   * with `close`, closes the whole underlying connection.
   */
  disconnect(close = false): this {
    if (!this.connected) return this;
    if (close) {
      this.client._disconnect();
    } else {
      this.#packet({ type: PacketType.DISCONNECT, nsp: this.nsp.name });
      this._onclose('server namespace disconnect');
    }
    return this;
  }

  /** Adds a middleware run for every incoming event packet. */
  use(fn: SocketMiddleware): this {
    this.#middlewares ??= [];
    this.#middlewares.push(fn);
    return this;
  }

  /** socket.io compatibility surface: called once the namespace accepted the socket. */
  _onconnect(session?: RestoredSession): void {
    this.connected = true;
    // A restored socket is already in its rooms (see the constructor), usually its own among them.
    this.join(this.id);
    // socket.io replays missed events before the CONNECT (the client buffers them until it
    // connects), and the engine sends both in one write.
    if (session !== undefined) {
      for (const data of session.missedPackets) this.#packet({ type: PacketType.EVENT, nsp: this.nsp.name, data });
    }
    // A socket.io-client 2.x expects an empty CONNECT (see legacy-clients.ts).
    const data = isLegacyConnection(this.client.conn) ? undefined : { sid: this.id, pid: this.#pid };
    this.#packet({ type: PacketType.CONNECT, nsp: this.nsp.name, data });
  }

  /** socket.io compatibility surface: refuses the connection with a CONNECT_ERROR packet. */
  _error(data: { message: string; data?: unknown } | unknown): void {
    this.#packet({ type: PacketType.CONNECT_ERROR, nsp: this.nsp.name, data });
  }

  /**
   * socket.io compatibility surface: a packet from the client for this namespace (see `inbox.ts`):
   * an event that passes the middlewares at once goes to `ready`, to be dispatched after the rest of its batch.
   */
  _onpacket(packet: SocketPacket, ready: ReadyEvents): void {
    if (!this.connected) return;
    switch (packet.type) {
      case PacketType.EVENT:
      case PacketType.BINARY_EVENT:
        this.#onevent(packet, ready);
        return;
      case PacketType.ACK:
      case PacketType.BINARY_ACK:
        this.#onack(packet);
        return;
      case PacketType.DISCONNECT:
        this._onclose('client namespace disconnect');
        return;
    }
  }

  /**
   * socket.io compatibility surface (see `SocketIoAdapterSocket`): pending acknowledgements by
   * id. `socket.io-adapter`'s `broadcastWithAck` registers its callback here.
   */
  get acks(): Map<number, AckCallback> {
    return this.#pendingAcks().callbacks;
  }

  /**
   * socket.io compatibility surface: `socket.io-adapter` calls it for each socket a broadcast
   * reaches, so `onAnyOutgoing` listeners see the packet.
   */
  notifyOutgoingListeners(packet: SocketPacket): void {
    this.notifyOutgoing(packet.data as unknown[]);
  }

  /** Hands a broadcast's prepared parts to the connection. */
  #deliver(parts: PreparedPacket, packet: SocketPacket, volatile: boolean, compress: boolean): void {
    this.notifyOutgoing(packet.data as unknown[]);
    clientSeam.writePrepared(this.client, parts, volatile, compress);
  }

  /**
   * socket.io compatibility surface: the socket leaves its namespace: `disconnecting`, cleanup,
   * then `disconnect`.
   */
  _onclose(reason: DisconnectReason, description?: unknown): void {
    if (!this.connected) return;
    this.emitReserved('disconnecting', reason, description);
    if (this.#pid !== undefined && RECOVERABLE_DISCONNECT_REASONS.has(reason)) {
      this.adapter.persistSession({ sid: this.id, pid: this.#pid, rooms: [...this.rooms], data: this.data });
    }
    this._cleanup();
    this.client._remove(this);
    this.connected = false;
    namespaceSeam.internalsOf(this.nsp).metrics.countDisconnect(reason);
    this.emitReserved('disconnect', reason, description);
  }

  /** socket.io compatibility surface: leaves every room and the namespace; later `join()` calls do nothing. */
  _cleanup(): void {
    this.#left = true;
    this.adapter.delAll(this.id);
    this.nsp._remove(this);
  }

  /**
   * socket.io compatibility surface: an error about this socket's connection or one of its
   * packets (a malformed packet, an event refused by a `socket.use` middleware): the socket's
   * `error` listeners get it. Nobody listening is not a crash, and the peer that caused it gets
   * one log line at most (socket.io keeps a no-op `error` listener on every socket).
   */
  _onerror(error: unknown, reason = 'socket error'): void {
    if (this.listenerCount('error') > 0) {
      this.handleUserError(error);
      return;
    }
    const where = `${reason} on socket ${this.id} of namespace ${this.nsp.name}`;
    namespaceSeam.internalsOf(this.nsp).peerLog.report(this.client.conn.remoteAddress, reason, where, error);
  }

  override [EventEmitter.captureRejectionSymbol](error: unknown): void {
    this.handleUserError(error);
  }

  #onevent(packet: SocketPacket, ready: ReadyEvents): void {
    const args = packet.data as Event;
    if (packet.id !== undefined) args.push(this.#answerWith(packet.id));
    this.notifyIncoming(args);
    if (this.#middlewares === undefined) {
      ready.push(this, args);
      return;
    }
    // Middlewares that answer at once leave the event in its batch; a late answer dispatches it then.
    let returned = false;
    runChain(this.#middlewares.slice(), args, (err) => {
      if (err === undefined) {
        if (returned) this.#dispatch(args);
        else ready.push(this, args);
      } else if (returned) this._onerror(err, 'event refused by a middleware');
      else ready.push(this, new RefusedEvent(err));
    });
    returned = true;
  }

  /**
   * Runs the listeners of an incoming event, unless the socket disconnected since it arrived, or
   * reports the refusal of one, in its place in the batch. An `error` event from the client with
   * no listener is dropped, as in socket.io.
   */
  #dispatch(args: Event | RefusedEvent): void {
    if (args instanceof RefusedEvent) {
      // Reported even if the socket disconnected meanwhile: the refusal happened while connected.
      this._onerror(args.error, 'event refused by a middleware');
      return;
    }
    if (!this.connected) return;
    if (args[0] === 'error' && this.listenerCount('error') === 0) return;
    try {
      this.emitUntyped(...args);
    } catch (error) {
      this.handleUserError(error);
    }
  }

  // One closure per incoming event that asks for an answer: it must be callable once, later.
  #answerWith(id: number): AckCallback {
    let sent = false;
    return (...args: unknown[]) => {
      if (sent) return;
      sent = true;
      this.#packet({ type: PacketType.ACK, nsp: this.nsp.name, id, data: args });
    };
  }

  #onack(packet: SocketPacket): void {
    try {
      this.#acks?.settle(this, packet.id as number, packet.data as unknown[]);
    } catch (error) {
      this.handleUserError(error);
    }
  }

  #packet(packet: SocketPacket): void {
    clientSeam.writePacket(this.client, packet, false, true);
  }

  #setFlag<K extends keyof BroadcastFlags>(flag: K, value: BroadcastFlags[K]): this {
    this.#flags ??= {};
    this.#flags[flag] = value;
    return this;
  }

  // Lazily created: most sockets never need them.
  #pendingAcks(): PendingAcks {
    this.#acks ??= new PendingAcks();
    return this.#acks;
  }

  #broadcastOperator(): BroadcastOperator<EmitEvents, SocketData> {
    const flags = this.#flags ?? {};
    this.#flags = undefined;
    return new BroadcastOperator(this.adapter, new Set(), new Set([this.id]), flags);
  }

  /**
   * An exception from the application's code for this socket: to its `error` listeners, else to
   * the log. A peer can trigger it again and again (a handler that throws on its input), so the
   * log line is rate-limited per peer.
   */
  protected override handleUserError(error: unknown): void {
    if (this.listenerCount('error') > 0) {
      try {
        this.emitUntyped('error', error);
        return;
      } catch (nested) {
        error = nested;
      }
    }
    const where = `socket ${this.id} of namespace ${this.nsp.name}`;
    namespaceSeam.internalsOf(this.nsp).peerLog.reportException(this.client.conn.remoteAddress, where, error);
  }
}
