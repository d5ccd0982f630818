/**
 * A broadcast being built: `io.to('room').except(id).timeout(1000).emit(...)`. Each modifier
 * returns a new operator, so a partly built one can be kept and reused.
 *
 * The {@link RemoteSocket}s that `fetchSockets()` returns live here too: each is a one-socket
 * operator, and an operator creates them, so two modules would import each other at runtime.
 */
import { PacketType, RESERVED_EVENTS, type SocketPacket } from '@parley/protocol';
import type { AdapterContract, BroadcastFlags, Room, SocketDetails, SocketId } from '../adapter/adapter-types.js';
import { AckTimeoutError, ReservedEventError } from '../errors.js';
import type {
  AllButLast,
  DecorateAcknowledgements,
  DecorateAcknowledgementsWithMultipleResponses,
  DefaultEventsMap,
  EventNames,
  EventNamesWithAck,
  EventParams,
  EventsMap,
  FirstNonErrorArg,
  Last,
} from '../events/typed-events.js';
import type { AnyNamespace } from '../namespace/namespace.js';
import type { Handshake } from '../socket/handshake.js';
import { socketSeam } from '../socket/socket-seam.js';

// biome-ignore lint/suspicious/noExplicitAny: a broadcast ack gets every client's answer
type BroadcastAck = (err: Error | null, responses: any) => void;

type ParamsOf<F> = F extends (...args: infer P) => unknown ? P : never;

/**
 * The arguments of a broadcast `emit`: as declared, except that an acknowledgement callback
 * receives `(err, responses[])`, one response per client.
 */
export type BroadcastParams<M extends EventsMap, E extends EventNames<M>> = ParamsOf<
  DecorateAcknowledgementsWithMultipleResponses<M>[E]
>;

function toArray(rooms: Room | Room[]): Room[] {
  return Array.isArray(rooms) ? rooms : [rooms];
}

// biome-ignore lint/suspicious/noExplicitAny: socket.io's default for untyped data
export class BroadcastOperator<EmitEvents extends EventsMap = DefaultEventsMap, SocketData = any> {
  readonly #adapter: AdapterContract;
  readonly #rooms: Set<Room>;
  readonly #except: Set<Room>;
  readonly #flags: BroadcastFlags;

  constructor(
    adapter: AdapterContract,
    rooms: Set<Room> = new Set(),
    except: Set<Room> = new Set(),
    flags: BroadcastFlags = {},
  ) {
    this.#adapter = adapter;
    this.#rooms = rooms;
    this.#except = except;
    this.#flags = flags;
  }

  /** Targets the sockets in `room` too (a union with rooms already targeted). */
  to(room: Room | Room[]): BroadcastOperator<EmitEvents, SocketData> {
    const rooms = new Set(this.#rooms);
    for (const r of toArray(room)) rooms.add(r);
    return new BroadcastOperator(this.#adapter, rooms, this.#except, this.#flags);
  }

  in(room: Room | Room[]): BroadcastOperator<EmitEvents, SocketData> {
    return this.to(room);
  }

  /** Skips the sockets in `room` (or the socket with that id). */
  except(room: Room | Room[]): BroadcastOperator<EmitEvents, SocketData> {
    const except = new Set(this.#except);
    for (const r of toArray(room)) except.add(r);
    return new BroadcastOperator(this.#adapter, this.#rooms, except, this.#flags);
  }

  compress(compress: boolean): BroadcastOperator<EmitEvents, SocketData> {
    return this.#withFlag('compress', compress);
  }

  /** Clients whose transport cannot take the packet right now miss it. */
  get volatile(): BroadcastOperator<EmitEvents, SocketData> {
    return this.#withFlag('volatile', true);
  }

  /** Only this server's sockets (with a cluster adapter). */
  get local(): BroadcastOperator<EmitEvents, SocketData> {
    return this.#withFlag('local', true);
  }

  /** Acknowledgements are awaited at most `ms`, then the callback gets an error. */
  timeout(ms: number): BroadcastOperator<EmitEvents, SocketData> {
    return this.#withFlag('timeout', ms);
  }

  /**
   * Emits to every targeted socket. A function as last argument receives `(err, responses)` once
   * every client answered (or the timeout elapsed, with the responses received so far).
   */
  emit<E extends EventNames<EmitEvents>>(event: E, ...args: BroadcastParams<EmitEvents, E>): boolean {
    if (RESERVED_EVENTS.has(event as string)) throw new ReservedEventError(String(event));
    const data: unknown[] = [event, ...args];
    const opts = { rooms: this.#rooms, except: this.#except, flags: this.#flags };
    if (typeof data[data.length - 1] !== 'function') {
      this.#adapter.broadcast({ type: PacketType.EVENT, nsp: '/', data }, opts);
      return true;
    }
    const ack = data.pop() as BroadcastAck;
    this.#broadcastWithAck(data, opts, ack);
    return true;
  }

  /** Emits and resolves with every client's response (rejects on timeout). */
  emitWithAck<E extends EventNamesWithAck<EmitEvents>>(
    event: E,
    ...args: AllButLast<EventParams<EmitEvents, E>>
  ): Promise<FirstNonErrorArg<Last<EventParams<EmitEvents, E>>>[]> {
    return new Promise((resolve, reject) => {
      // As in socket.io, a timeout's rejection carries the answers that did arrive, as `err.responses`.
      const ack: BroadcastAck = (err, responses) =>
        err ? reject(Object.assign(err, { responses })) : resolve(responses);
      (this.emit as (...a: unknown[]) => boolean)(event, ...args, ack);
    });
  }

  /** The matching sockets, here and (with a cluster adapter) on other servers. */
  async fetchSockets(): Promise<RemoteSocket<EmitEvents, SocketData>[]> {
    const sockets = await this.#adapter.fetchSockets({ rooms: this.#rooms, except: this.#except, flags: this.#flags });
    return sockets.map((details) =>
      // A local socket already offers the RemoteSocket interface; only remote ones are wrapped.
      'nsp' in details
        ? (details as unknown as RemoteSocket<EmitEvents, SocketData>)
        : new RemoteSocket<EmitEvents, SocketData>(this.#adapter, details as SocketDetails),
    );
  }

  /**
   * Ids of the sockets in the targeted rooms (all sockets without a room), here and on other
   * servers with a cluster adapter. Rooms excluded with `except` are not subtracted, as in
   * socket.io.
   *
   * @deprecated as in socket.io 4: use {@link fetchSockets}.
   * @example
   * const ids = await io.of('/chat').in('lobby').allSockets();
   */
  allSockets(): Promise<Set<SocketId>> {
    return this.#adapter.sockets(this.#rooms);
  }

  /** Makes the matching sockets join `room`. */
  socketsJoin(room: Room | Room[]): void {
    this.#adapter.addSockets({ rooms: this.#rooms, except: this.#except, flags: this.#flags }, toArray(room));
  }

  /** Makes the matching sockets leave `room`. */
  socketsLeave(room: Room | Room[]): void {
    this.#adapter.delSockets({ rooms: this.#rooms, except: this.#except, flags: this.#flags }, toArray(room));
  }

  /** Disconnects the matching sockets (closing their connections with `close`). */
  disconnectSockets(close = false): void {
    this.#adapter.disconnectSockets({ rooms: this.#rooms, except: this.#except, flags: this.#flags }, close);
  }

  #withFlag<K extends keyof BroadcastFlags>(
    flag: K,
    value: BroadcastFlags[K],
  ): BroadcastOperator<EmitEvents, SocketData> {
    return new BroadcastOperator(this.#adapter, this.#rooms, this.#except, { ...this.#flags, [flag]: value });
  }

  // Complete when every server reported its client count and every client answered, unless the
  // timer fires first. As in socket.io, the timer runs without timeout() too, with no delay (Node's
  // 1 ms): such a broadcast reports a timeout unless it reached no client.
  #broadcastWithAck(
    data: unknown[],
    opts: { rooms: Set<Room>; except: Set<Room>; flags: BroadcastFlags },
    ack: BroadcastAck,
  ): void {
    const single = this.#flags.expectSingleResponse === true;
    const responses: unknown[] = [];
    let expectedServers = -1;
    let reportedServers = 0;
    let expectedClients = 0;
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (err: Error | null) => {
      if (done) return;
      done = true;
      if (timer !== undefined) clearTimeout(timer);
      ack(err, single ? (err ? null : responses[0]) : responses);
    };
    const check = () => {
      if (expectedServers === reportedServers && responses.length === expectedClients) finish(null);
    };
    const packet: SocketPacket = { type: PacketType.EVENT, nsp: '/', data };
    timer = setTimeout(() => {
      // The sockets here stop waiting too: a late answer finds nothing, and a client that never
      // answers leaves nothing behind (the adapter numbered the packet).
      const id = packet.id;
      const sockets = (this.#adapter as { nsp?: AnyNamespace }).nsp?.sockets;
      if (id !== undefined && sockets !== undefined)
        for (const socket of sockets.values()) socketSeam.forgetAck(socket, id);
      finish(new AckTimeoutError());
    }, this.#flags.timeout ?? 1);
    this.#adapter.broadcastWithAck(
      packet,
      opts,
      (clientCount) => {
        expectedClients += clientCount;
        reportedServers++;
        check();
      },
      (response) => {
        if (done) return;
        responses.push(response);
        check();
      },
    );
    this.#adapter.serverCount().then((count) => {
      expectedServers = count;
      check();
    }, finish);
  }
}

/**
 * `remoteSocket.timeout(ms)`: one socket, so an acknowledgement gets `(err, response)` with that
 * socket's single response (not a list, as a broadcast's would), and `emitWithAck` resolves with it.
 *
 * @example
 * const [remote] = await io.in(id).fetchSockets();
 * remote.timeout(1000).emit('ask', 'ready?', (err, answer) => {});
 */
export interface RemoteSocketWithTimeout<EmitEvents extends EventsMap> {
  emit<E extends EventNames<EmitEvents>>(
    event: E,
    ...args: EventParams<DecorateAcknowledgements<EmitEvents>, E>
  ): boolean;
  emitWithAck<E extends EventNamesWithAck<EmitEvents>>(
    event: E,
    ...args: AllButLast<EventParams<EmitEvents, E>>
  ): Promise<FirstNonErrorArg<Last<EventParams<EmitEvents, E>>>>;
}

/**
 * A socket returned by `fetchSockets()` that lives on another server: its details plus the
 * operations a cluster adapter can carry out remotely.
 */
// biome-ignore lint/suspicious/noExplicitAny: socket.io's default for untyped data
export class RemoteSocket<EmitEvents extends EventsMap = DefaultEventsMap, SocketData = any> {
  readonly id: SocketId;
  readonly handshake: Handshake;
  readonly rooms: Set<Room>;
  readonly data: SocketData;
  readonly #operator: BroadcastOperator<EmitEvents, SocketData>;

  constructor(adapter: AdapterContract, details: SocketDetails) {
    this.id = details.id;
    this.handshake = details.handshake as Handshake;
    this.rooms = new Set(details.rooms);
    this.data = details.data as SocketData;
    this.#operator = new BroadcastOperator<EmitEvents, SocketData>(adapter, new Set([this.id]), new Set(), {
      expectSingleResponse: true,
    });
  }

  emit<E extends EventNames<EmitEvents>>(event: E, ...args: EventParams<EmitEvents, E>): boolean {
    return (this.#operator.emit as (...a: unknown[]) => boolean)(event, ...args);
  }

  /** Acknowledgements are awaited at most `ms`; the callback gets `(err, response)`. */
  timeout(ms: number): RemoteSocketWithTimeout<EmitEvents> {
    // The operator carries `expectSingleResponse`, so at runtime its ack already gets one response.
    return this.#operator.timeout(ms) as unknown as RemoteSocketWithTimeout<EmitEvents>;
  }

  join(room: Room | Room[]): void {
    this.#operator.socketsJoin(room);
  }

  leave(room: Room | Room[]): void {
    this.#operator.socketsLeave(room);
  }

  disconnect(close = false): this {
    this.#operator.disconnectSockets(close);
    return this;
  }
}
