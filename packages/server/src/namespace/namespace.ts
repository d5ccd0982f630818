/**
 * A namespace (`io.of('/admin')`): its sockets, its connection middlewares, its adapter, and the
 * broadcast shortcuts (`nsp.to(...)`, `nsp.emit(...)`).
 */
import { EventEmitter } from 'node:events';
import type { AdapterContract, RestoredSession, Room, SocketId } from '../adapter/adapter-types.js';
import type { RemoteSocket } from '../broadcast/broadcast-operator.js';
import { BroadcastOperator, type BroadcastParams } from '../broadcast/broadcast-operator.js';
import type { Client } from '../connection/client.js';
import { clientSeam } from '../connection/client-seam.js';
import { isLegacyConnection, legacyConnectError, legacySocketId } from '../connection/legacy-clients.js';
import { type ExtendedError, ReservedEventError, reportUserError } from '../errors.js';
import {
  type AllButLast,
  type DefaultEventsMap,
  type EventNames,
  type EventNamesWithAck,
  type EventParams,
  type EventsMap,
  type FirstNonErrorArg,
  type Last,
  StrictEventEmitter,
} from '../events/typed-events.js';
import type { Server } from '../server.js';
import { type ServerInternals, serverInternalsOf } from '../server-internals.js';
import { generateId } from '../socket/ids.js';
import { Socket } from '../socket/socket.js';
import { runChain } from './middleware-chain.js';
import { namespaceSeam } from './namespace-seam.js';

/**
 * The names `serverSideEmit` refuses, as socket.io's namespace does: on the receiving servers the
 * event reaches the namespace's own listeners, where these names mean a new socket or namespace.
 * The names a socket reserves (`disconnect`, ...) are ordinary server-side events.
 */
const SERVER_SIDE_RESERVED_EVENTS: ReadonlySet<string> = new Set(['connect', 'connection', 'new_namespace']);

export interface NamespaceReservedEvents<L extends EventsMap, E extends EventsMap, S extends EventsMap, D> {
  connect: (socket: Socket<L, E, S, D>) => void;
  connection: (socket: Socket<L, E, S, D>) => void;
  /** On the main namespace (`io.on('new_namespace')`): a namespace was created. */
  new_namespace: (namespace: Namespace<L, E, S, D>) => void;
}

export type NamespaceMiddleware<L extends EventsMap, E extends EventsMap, S extends EventsMap, D> = (
  socket: Socket<L, E, S, D>,
  next: (err?: ExtendedError) => void,
) => void | Promise<void>;

/** A namespace whatever its event maps and socket data: what adapters and other generic code take. */
// biome-ignore lint/suspicious/noExplicitAny: the one spelling of "any namespace"
export type AnyNamespace = Namespace<any, any, any, any>;

export class Namespace<
  ListenEvents extends EventsMap = DefaultEventsMap,
  EmitEvents extends EventsMap = DefaultEventsMap,
  ServerSideEvents extends EventsMap = DefaultEventsMap,
  // biome-ignore lint/suspicious/noExplicitAny: socket.io's default for untyped data
  SocketData = any,
> extends StrictEventEmitter<
  ServerSideEvents,
  EmitEvents,
  NamespaceReservedEvents<ListenEvents, EmitEvents, ServerSideEvents, SocketData>
> {
  readonly name: string;
  /** Connected sockets by id. */
  readonly sockets = new Map<SocketId, Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>>();
  readonly server: Server<ListenEvents, EmitEvents, ServerSideEvents, SocketData>;
  adapter!: AdapterContract;
  /** Connection middlewares, copied by dynamic child namespaces. */
  #middlewares: NamespaceMiddleware<ListenEvents, EmitEvents, ServerSideEvents, SocketData>[] = [];
  /** The server's internals, kept at hand: sockets read them for every emit. */
  readonly #internals: ServerInternals;
  #ackIds = 0;
  /** Set on dynamic children when empty ones are cleaned up. */
  #onEmpty: (() => void) | undefined;
  // `nsp.emit()` and friends reuse one operator: operators are immutable (each modifier copies).
  #all: BroadcastOperator<EmitEvents, SocketData> | undefined;

  // The namespace's side of its seam with sockets, adapter hosts, parents and the server (see
  // namespace-seam.ts).
  static {
    namespaceSeam.nextAckId = (nsp) => nsp.#nextAckId();
    namespaceSeam.internalsOf = (nsp) => nsp.#internals;
    namespaceSeam.copyMiddlewares = (parent, child) => {
      child.#middlewares = parent.#middlewares.slice();
    };
    namespaceSeam.setOnEmpty = (nsp, onEmpty) => {
      nsp.#onEmpty = onEmpty;
    };
    namespaceSeam.emitNewNamespace = (main, created) => main.#emitNewNamespace(created);
  }

  constructor(server: Server<ListenEvents, EmitEvents, ServerSideEvents, SocketData>, name: string) {
    super({ captureRejections: true });
    this.server = server;
    this.name = name;
    // Before the adapter: adapters read the recovery options as they are built.
    this.#internals = serverInternalsOf(server);
    this._initAdapter();
  }

  /**
   * socket.io compatibility surface: (re)creates the adapter, when the namespace is made or the
   * server's adapter changes.
   */
  _initAdapter(): void {
    const previous = this.adapter as AdapterContract | undefined;
    this.adapter = this.#internals.createAdapter(this);
    this.#all = undefined;
    void Promise.resolve(this.adapter.init()).catch((error) => reportUserError(this, error, 'adapter init'));
    // The adapter being replaced may hold connections and subscriptions (a Redis adapter swapped
    // in at startup): left open, it would linger as a ghost node that other nodes keep asking.
    if (previous !== undefined) {
      void Promise.resolve()
        .then(() => previous.close())
        .catch((error) => reportUserError(this, error, 'adapter close'));
    }
  }

  /**
   * Adds a connection middleware: `next()` accepts the socket, `next(err)` refuses it with a
   * CONNECT_ERROR carrying `err.message` and `err.data`.
   *
   * @example
   * io.use((socket, next) => socket.handshake.auth.token ? next() : next(new Error('unauthorized')));
   */
  use(fn: NamespaceMiddleware<ListenEvents, EmitEvents, ServerSideEvents, SocketData>): this {
    this.#middlewares.push(fn);
    return this;
  }

  to(room: Room | Room[]): BroadcastOperator<EmitEvents, SocketData> {
    return this.#operator().to(room);
  }

  in(room: Room | Room[]): BroadcastOperator<EmitEvents, SocketData> {
    return this.#operator().in(room);
  }

  except(room: Room | Room[]): BroadcastOperator<EmitEvents, SocketData> {
    return this.#operator().except(room);
  }

  /** Emits to every socket of the namespace. */
  override emit<E extends EventNames<EmitEvents>>(event: E, ...args: BroadcastParams<EmitEvents, E>): boolean {
    return this.#operator().emit(event, ...args);
  }

  emitWithAck<E extends EventNamesWithAck<EmitEvents>>(
    event: E,
    ...args: AllButLast<EventParams<EmitEvents, E>>
  ): Promise<FirstNonErrorArg<Last<EventParams<EmitEvents, E>>>[]> {
    return (this.#operator().emitWithAck as (...a: unknown[]) => Promise<never>)(event, ...args);
  }

  send(...args: EventParams<EmitEvents, 'message'>): this {
    (this.emit as (...a: unknown[]) => boolean)('message', ...args);
    return this;
  }

  write(...args: EventParams<EmitEvents, 'message'>): this {
    return this.send(...args);
  }

  /**
   * Emits to the other servers of the cluster (their `io.on(event)` listeners). A function as
   * last argument receives `(err, responses)`.
   */
  serverSideEmit<E extends EventNames<ServerSideEvents>>(event: E, ...args: EventParams<ServerSideEvents, E>): boolean {
    if (SERVER_SIDE_RESERVED_EVENTS.has(event as string)) throw new ReservedEventError(String(event));
    const metrics = this.#internals.metrics;
    const startedAt = metrics.countAdapterRequest();
    const ack = args[args.length - 1];
    if (typeof ack === 'function') {
      // Times the request up to its answer (or timeout): serverSideEmit is not a hot path.
      args[args.length - 1] = ((...results: unknown[]) => {
        metrics.countAdapterResponse(startedAt);
        return (ack as (...a: unknown[]) => unknown)(...results);
      }) as never;
    }
    this.adapter.serverSideEmit([event, ...args]);
    return true;
  }

  serverSideEmitWithAck<E extends EventNamesWithAck<ServerSideEvents>>(
    event: E,
    ...args: AllButLast<EventParams<ServerSideEvents, E>>
  ): Promise<FirstNonErrorArg<Last<EventParams<ServerSideEvents, E>>>[]> {
    return new Promise((resolve, reject) => {
      // As in socket.io, a timeout's rejection carries the answers that did arrive, as `err.responses`.
      const ack = (err: Error | null, responses: never[]) =>
        err ? reject(Object.assign(err, { responses })) : resolve(responses);
      (this.serverSideEmit as (...a: unknown[]) => boolean)(event, ...args, ack);
    });
  }

  /** socket.io compatibility surface: an event another server sent with serverSideEmit. */
  _onServerSideEmit(args: unknown[]): void {
    try {
      this.emitUntyped(...(args as [string, ...unknown[]]));
    } catch (error) {
      reportUserError(this, error, `serverSideEmit listener of namespace ${this.name}`);
    }
  }

  get volatile(): BroadcastOperator<EmitEvents, SocketData> {
    return this.#operator().volatile;
  }

  get local(): BroadcastOperator<EmitEvents, SocketData> {
    return this.#operator().local;
  }

  compress(compress: boolean): BroadcastOperator<EmitEvents, SocketData> {
    return this.#operator().compress(compress);
  }

  timeout(ms: number): BroadcastOperator<EmitEvents, SocketData> {
    return this.#operator().timeout(ms);
  }

  fetchSockets(): Promise<RemoteSocket<EmitEvents, SocketData>[]> {
    const metrics = this.#internals.metrics;
    const startedAt = metrics.countAdapterRequest();
    return this.#operator()
      .fetchSockets()
      .finally(() => metrics.countAdapterResponse(startedAt));
  }

  socketsJoin(room: Room | Room[]): void {
    this.#operator().socketsJoin(room);
  }

  socketsLeave(room: Room | Room[]): void {
    this.#operator().socketsLeave(room);
  }

  disconnectSockets(close = false): void {
    this.#operator().disconnectSockets(close);
  }

  /** Ids of the connected sockets (of every server, with a cluster adapter). */
  allSockets(): Promise<Set<SocketId>> {
    return this.adapter.sockets(new Set());
  }

  /**
   * socket.io compatibility surface (see `SocketIoAdapterNamespace`): the ack id counter that
   * `socket.io-adapter`'s `broadcastWithAck` reads and increments. Shares the counter of Parley's
   * own ack ids, so they never clash.
   */
  get _ids(): number {
    return this.#ackIds;
  }

  set _ids(value: number) {
    this.#ackIds = value > Number.MAX_SAFE_INTEGER ? 0 : value;
  }

  /** Ack ids are per namespace, so broadcast acks and per-socket acks never clash. */
  #nextAckId(): number {
    const id = this.#ackIds;
    this.#ackIds = id === Number.MAX_SAFE_INTEGER ? 0 : id + 1;
    return id;
  }

  /**
   * socket.io compatibility surface: a client asked to join: creates its socket in this namespace (restoring its session
   * if it presents one), runs the middlewares, then accepts (CONNECT) or refuses (CONNECT_ERROR).
   * Synchronous (returns undefined) when there is nothing to wait for: no middleware and no
   * session to restore, the common case that every handshake goes through. Else it settles once
   * decided.
   */
  _add(
    client: Client<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
    auth: Record<string, unknown> | undefined,
  ): Promise<void> | undefined {
    if (this.#internals.recovery === undefined && this.#middlewares.length === 0) {
      this.#accept(new Socket(this, client, auth, this.#socketIdFor(client), undefined), client, undefined);
      return undefined;
    }
    return this.#addAsync(client, auth);
  }

  async #addAsync(
    client: Client<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
    auth: Record<string, unknown> | undefined,
  ): Promise<void> {
    const recovery = this.#internals.recovery;
    const session = recovery !== undefined ? await this.#restoreSession(auth ?? {}) : undefined;
    const socket = new Socket(
      this,
      client,
      auth,
      this.#socketIdFor(client),
      recovery !== undefined ? generateId() : undefined,
      session,
    );
    if (session !== undefined && recovery?.skipMiddlewares && client.conn.readyState === 'open') {
      this.#accept(socket, client, session);
      return;
    }
    const err = await new Promise<ExtendedError | undefined>((done) => runChain(this.#middlewares, socket, done));
    // A refused socket (or one whose connection closed meanwhile) leaves the rooms its
    // middlewares made it join, and its namespace may now be an empty child to clean up.
    if (client.conn.readyState !== 'open') {
      socket._cleanup();
      return;
    }
    if (err) {
      socket._cleanup();
      const error = { message: err.message, data: err.data };
      socket._error(isLegacyConnection(client.conn) ? legacyConnectError(error) : error);
    } else {
      this.#accept(socket, client, session);
    }
  }

  /** socket.io compatibility surface: a socket left, or was refused (it was never in `sockets` then). */
  _remove(socket: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>): void {
    if (this.sockets.get(socket.id) === socket) this.sockets.delete(socket.id);
    if (this.sockets.size === 0) this.#onEmpty?.();
  }

  /** Tells `new_namespace` listeners of the main namespace about a new namespace. */
  #emitNewNamespace(namespace: AnyNamespace): void {
    try {
      this.emitReserved('new_namespace', namespace);
    } catch (error) {
      reportUserError(this, error, 'new_namespace listener');
    }
  }

  // Async connection handlers reject here, once per connection a peer makes: rate-limited.
  override [EventEmitter.captureRejectionSymbol](error: unknown): void {
    reportUserError(this, error, `listener of namespace ${this.name}`, this.#internals.peerLog.fallbackFor('-'));
  }

  #accept(
    socket: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
    client: Client<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
    session: RestoredSession | undefined,
  ): void {
    // Counted once accepted: a restored socket that middleware refuses is no recovery.
    if (session !== undefined) this.#internals.metrics.recoveries++;
    this.sockets.set(socket.id, socket);
    // Internal bookkeeping first, so a handler that disconnects at once finds a consistent state.
    socket._onconnect(session);
    clientSeam.onSocketConnected(client, socket);
    try {
      this.emitReserved('connect', socket);
      this.emitReserved('connection', socket);
    } catch (error) {
      const fallback = this.#internals.peerLog.fallbackFor(client.conn.remoteAddress);
      reportUserError(this, error, `connection handler of namespace ${this.name}`, fallback);
    }
  }

  async #restoreSession(auth: Record<string, unknown>): Promise<RestoredSession | undefined> {
    const { pid, offset } = auth;
    if (typeof pid !== 'string' || typeof offset !== 'string') return undefined;
    try {
      return (await this.adapter.restoreSession(pid, offset)) ?? undefined;
    } catch (error) {
      reportUserError(this, error, 'session restore');
      return undefined;
    }
  }

  /** A fresh random id, except for a socket.io-client 2.x (see legacy-clients.ts). */
  #socketIdFor(client: Client<ListenEvents, EmitEvents, ServerSideEvents, SocketData>): string {
    return isLegacyConnection(client.conn) ? legacySocketId(this.name, client.id) : generateId();
  }

  #operator(): BroadcastOperator<EmitEvents, SocketData> {
    this.#all ??= new BroadcastOperator(this.adapter);
    return this.#all;
  }
}
