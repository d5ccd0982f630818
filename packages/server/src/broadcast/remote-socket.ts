/**
 * A socket returned by `fetchSockets()` that lives on another server: its details plus the
 * operations a cluster adapter can carry out remotely.
 */
import type { AdapterContract, Room, SocketDetails, SocketId } from '../adapter/adapter-types.js';
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
import type { Handshake } from '../socket/handshake.js';
import { BroadcastOperator } from './broadcast-operator.js';

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
