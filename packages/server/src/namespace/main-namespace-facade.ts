/**
 * The main namespace's API offered on the server itself, as socket.io does: `io.emit`,
 * `io.to(room)`, `io.use`, `io.fetchSockets()`... and every listener method, so that
 * `io.on('connection')` listens on `io.sockets`.
 */
import type { Room, SocketId } from '../adapter/adapter-types.js';
import type { BroadcastOperator, BroadcastParams, RemoteSocket } from '../broadcast/broadcast-operator.js';
import {
  type AllButLast,
  type DefaultEventsMap,
  type EventNames,
  type EventNamesWithAck,
  type EventParams,
  type EventsMap,
  type FirstNonErrorArg,
  type Last,
  type ReservedOrUserEventNames,
  type ReservedOrUserListener,
  StrictEventEmitter,
} from '../events/typed-events.js';
import type { Namespace, NamespaceMiddleware, NamespaceReservedEvents } from './namespace.js';

/** Events a listener on the server can name: the main namespace's reserved ones and server-side ones. */
type MainEventName<L extends EventsMap, E extends EventsMap, S extends EventsMap, D> = ReservedOrUserEventNames<
  NamespaceReservedEvents<L, E, S, D>,
  S
>;
type MainListener<
  L extends EventsMap,
  E extends EventsMap,
  S extends EventsMap,
  D,
  Ev extends MainEventName<L, E, S, D>,
> = ReservedOrUserListener<NamespaceReservedEvents<L, E, S, D>, S, Ev>;

export abstract class MainNamespaceFacade<
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
  /** The main namespace, `/`. */
  abstract readonly sockets: Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>;

  use(fn: NamespaceMiddleware<ListenEvents, EmitEvents, ServerSideEvents, SocketData>): this {
    this.sockets.use(fn);
    return this;
  }

  to(room: Room | Room[]): BroadcastOperator<EmitEvents, SocketData> {
    return this.sockets.to(room);
  }

  in(room: Room | Room[]): BroadcastOperator<EmitEvents, SocketData> {
    return this.sockets.in(room);
  }

  except(room: Room | Room[]): BroadcastOperator<EmitEvents, SocketData> {
    return this.sockets.except(room);
  }

  override emit<E extends EventNames<EmitEvents>>(event: E, ...args: BroadcastParams<EmitEvents, E>): boolean {
    return this.sockets.emit(event, ...args);
  }

  emitWithAck<E extends EventNamesWithAck<EmitEvents>>(
    event: E,
    ...args: AllButLast<EventParams<EmitEvents, E>>
  ): Promise<FirstNonErrorArg<Last<EventParams<EmitEvents, E>>>[]> {
    return (this.sockets.emitWithAck as (...a: unknown[]) => Promise<never>)(event, ...args);
  }

  send(...args: EventParams<EmitEvents, 'message'>): this {
    this.sockets.send(...args);
    return this;
  }

  write(...args: EventParams<EmitEvents, 'message'>): this {
    return this.send(...args);
  }

  serverSideEmit<E extends EventNames<ServerSideEvents>>(event: E, ...args: EventParams<ServerSideEvents, E>): boolean {
    return this.sockets.serverSideEmit(event, ...args);
  }

  serverSideEmitWithAck<E extends EventNamesWithAck<ServerSideEvents>>(
    event: E,
    ...args: AllButLast<EventParams<ServerSideEvents, E>>
  ): Promise<FirstNonErrorArg<Last<EventParams<ServerSideEvents, E>>>[]> {
    return (this.sockets.serverSideEmitWithAck as (...a: unknown[]) => Promise<never>)(event, ...args);
  }

  allSockets(): Promise<Set<SocketId>> {
    return this.sockets.allSockets();
  }

  compress(compress: boolean): BroadcastOperator<EmitEvents, SocketData> {
    return this.sockets.compress(compress);
  }

  get volatile(): BroadcastOperator<EmitEvents, SocketData> {
    return this.sockets.volatile;
  }

  get local(): BroadcastOperator<EmitEvents, SocketData> {
    return this.sockets.local;
  }

  timeout(ms: number): BroadcastOperator<EmitEvents, SocketData> {
    return this.sockets.timeout(ms);
  }

  fetchSockets(): Promise<RemoteSocket<EmitEvents, SocketData>[]> {
    return this.sockets.fetchSockets();
  }

  socketsJoin(room: Room | Room[]): void {
    this.sockets.socketsJoin(room);
  }

  socketsLeave(room: Room | Room[]): void {
    this.sockets.socketsLeave(room);
  }

  disconnectSockets(close = false): void {
    this.sockets.disconnectSockets(close);
  }

  // Listeners registered on the server are the main namespace's, and every EventEmitter method
  // returns what the main namespace's returns, as in socket.io: `io.on(...)` is `io.sockets`
  // (typed `this`, as socket.io declares it).

  override on<E extends MainEventName<ListenEvents, EmitEvents, ServerSideEvents, SocketData>>(
    event: E,
    listener: MainListener<ListenEvents, EmitEvents, ServerSideEvents, SocketData, E>,
  ): this {
    return this.sockets.on(event, listener as never) as never;
  }

  override once<E extends MainEventName<ListenEvents, EmitEvents, ServerSideEvents, SocketData>>(
    event: E,
    listener: MainListener<ListenEvents, EmitEvents, ServerSideEvents, SocketData, E>,
  ): this {
    return this.sockets.once(event, listener as never) as never;
  }

  override off<E extends MainEventName<ListenEvents, EmitEvents, ServerSideEvents, SocketData>>(
    event: E,
    listener: MainListener<ListenEvents, EmitEvents, ServerSideEvents, SocketData, E>,
  ): this {
    return this.sockets.off(event, listener as never) as never;
  }

  override addListener(event: string | symbol, listener: (...args: unknown[]) => void): this {
    return this.sockets.addListener(event, listener) as never;
  }

  override removeListener(event: string | symbol, listener: (...args: unknown[]) => void): this {
    return this.sockets.removeListener(event, listener) as never;
  }

  override prependListener(event: string | symbol, listener: (...args: unknown[]) => void): this {
    return this.sockets.prependListener(event, listener) as never;
  }

  override prependOnceListener(event: string | symbol, listener: (...args: unknown[]) => void): this {
    return this.sockets.prependOnceListener(event, listener) as never;
  }

  override removeAllListeners(event?: string | symbol): this {
    return this.sockets.removeAllListeners(event) as never;
  }

  override setMaxListeners(n: number): this {
    return this.sockets.setMaxListeners(n) as never;
  }

  override getMaxListeners(): number {
    return this.sockets.getMaxListeners();
  }

  override listeners<E extends MainEventName<ListenEvents, EmitEvents, ServerSideEvents, SocketData>>(
    event: E,
  ): MainListener<ListenEvents, EmitEvents, ServerSideEvents, SocketData, E>[] {
    return this.sockets.listeners(event);
  }

  override rawListeners(event: string | symbol): ((...args: unknown[]) => unknown)[] {
    return this.sockets.rawListeners(event) as never;
  }

  override listenerCount(event: string | symbol): number {
    return this.sockets.listenerCount(event);
  }

  override eventNames(): (string | symbol)[] {
    return this.sockets.eventNames();
  }
}
