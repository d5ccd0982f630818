/**
 * The parent of dynamic namespaces (`io.of(/^\/room-\d+$/)` or `io.of((name, auth, next) => ...)`):
 * it creates a child namespace for each accepted name, hands it its middlewares and connection
 * listeners, and broadcasts to all of its children at once. What else it does is socket.io's
 * spec, odd parts included (see ParentBroadcastAdapter).
 */
import type { SocketPacket } from '@parley/protocol';
import type { BroadcastOptions } from '../adapter/adapter-types.js';
import { InMemoryAdapter } from '../adapter/in-memory-adapter.js';
import type { BroadcastParams, RemoteSocket } from '../broadcast/broadcast-operator.js';
import type { DefaultEventsMap, EventNames, EventsMap } from '../events/typed-events.js';
import type { Server } from '../server.js';
import { type AnyNamespace, Namespace } from './namespace.js';
import { namespaceSeam } from './namespace-seam.js';

let parentCount = 0;

export class ParentNamespace<
  ListenEvents extends EventsMap = DefaultEventsMap,
  EmitEvents extends EventsMap = DefaultEventsMap,
  ServerSideEvents extends EventsMap = DefaultEventsMap,
  // biome-ignore lint/suspicious/noExplicitAny: socket.io's default for untyped data
  SocketData = any,
> extends Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData> {
  /** The child namespaces created so far. */
  readonly children = new Set<Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>>();

  constructor(server: Server<ListenEvents, EmitEvents, ServerSideEvents, SocketData>) {
    super(server, `/_${parentCount++}`);
  }

  /**
   * Emits on each child namespace in turn: an acknowledgement callback is called once per child,
   * with that child's answers, as in socket.io.
   */
  override emit<E extends EventNames<EmitEvents>>(event: E, ...args: BroadcastParams<EmitEvents, E>): boolean {
    for (const child of this.children) child.emit(event, ...args);
    return true;
  }

  /** Not supported, as in socket.io: with several servers, a child may exist on some nodes only. */
  override fetchSockets(): Promise<RemoteSocket<EmitEvents, SocketData>[]> {
    throw new Error('fetchSockets() is not supported on parent namespaces');
  }

  override _initAdapter(): void {
    this.adapter = new ParentBroadcastAdapter(this);
  }

  /** @internal Creates the child namespace `name`. */
  createChild(name: string): Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData> {
    const child = new Namespace(this.server, name);
    namespaceSeam.copyMiddlewares(this as AnyNamespace, child);
    for (const listener of this.listeners('connect')) child.on('connect', listener);
    for (const listener of this.listeners('connection')) child.on('connection', listener);
    this.children.add(child);
    if (namespaceSeam.internalsOf(this as AnyNamespace).cleanupEmptyChildNamespaces) {
      namespaceSeam.setOnEmpty(child, () => {
        // Once only, and never removing a newer namespace that took the same name since.
        namespaceSeam.setOnEmpty(child, undefined);
        void Promise.resolve(child.adapter.close()).catch(() => {});
        if (this.server._nsps.get(child.name) === child) this.server._nsps.delete(child.name);
        this.children.delete(child);
      });
    }
    this.server._nsps.set(name, child);
    namespaceSeam.emitNewNamespace(this.server.sockets, child);
    return child;
  }
}

/**
 * Fans the parent's broadcasts (`parent.to(room).emit(...)`) out to every child namespace. As in
 * socket.io, only broadcasts: the parent holds no sockets of its own, so its room operations
 * (`socketsJoin`, `disconnectSockets`, `in(room).fetchSockets()`) and acknowledged broadcasts
 * through `timeout()` find none.
 */
class ParentBroadcastAdapter extends InMemoryAdapter {
  // biome-ignore lint/suspicious/noExplicitAny: serves parents of any event types
  readonly #parent: ParentNamespace<any, any, any, any>;

  // biome-ignore lint/suspicious/noExplicitAny: as above
  constructor(parent: ParentNamespace<any, any, any, any>) {
    super(parent);
    this.#parent = parent;
  }

  override broadcast(packet: SocketPacket, opts: BroadcastOptions): void {
    // Each child encodes for its own namespace name (and may append its own offset).
    for (const child of this.#parent.children) child.adapter.broadcast(copyPacket(packet), opts);
  }
}

function copyPacket(packet: SocketPacket): SocketPacket {
  return { ...packet, data: Array.isArray(packet.data) ? [...packet.data] : packet.data };
}
