/**
 * A socket returned by `fetchSockets()` that lives on another server: its details plus the
 * operations a cluster adapter can carry out remotely.
 */
import type { AdapterContract, Room, SocketDetails, SocketId } from './adapter-types.js';
import { BroadcastOperator } from './broadcast-operator.js';
import type { Handshake } from './handshake.js';
import type { DecorateAcknowledgements, DefaultEventsMap, EventNames, EventParams, EventsMap } from './typed-events.js';

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

  timeout(ms: number): BroadcastOperator<DecorateAcknowledgements<EmitEvents>, SocketData> {
    return this.#operator.timeout(ms) as unknown as BroadcastOperator<DecorateAcknowledgements<EmitEvents>, SocketData>;
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
