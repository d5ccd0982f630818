/**
 * Typed events, as in socket.io: `Socket<ListenEvents, EmitEvents>` where each map names an
 * event and gives its listener signature; an ack is the last parameter, a function.
 */
import type { EventNames, EventsMap } from './emitter.js';

export type { EventNames, EventsMap } from './emitter.js';

/** Untyped events: any name, any arguments. */
export interface DefaultEventsMap {
  // biome-ignore lint/suspicious/noExplicitAny: the untyped default
  [event: string]: (...args: any[]) => void;
}

export type EventParams<Map extends EventsMap, Ev extends EventNames<Map>> = Parameters<Map[Ev]>;

// biome-ignore lint/suspicious/noExplicitAny: tuple helpers
type AnyArray = any[];
type Last<T extends AnyArray> = T extends [...infer _, infer L] ? L : never;
type AllButLast<T extends AnyArray> = T extends [...infer H, infer _] ? H : AnyArray;
// biome-ignore lint/suspicious/noExplicitAny: tuple helpers
type FirstArg<T> = T extends (arg: infer A, ...rest: any[]) => any ? A : any;

/** The arguments of `emitWithAck(ev, ...)`: the event's parameters minus the ack. */
export type EmitWithAckArgs<Map extends EventsMap, Ev extends EventNames<Map>> = AllButLast<EventParams<Map, Ev>>;
/** What `emitWithAck` resolves to: the first argument of the event's ack. */
export type AckResult<Map extends EventsMap, Ev extends EventNames<Map>> = FirstArg<Last<EventParams<Map, Ev>>>;

// biome-ignore lint/suspicious/noExplicitAny: matches any ack
type AnyAck = (...args: any[]) => any;
type WithErrorFirst<Ack> = Ack extends (...args: infer P) => infer R ? (error: Error | null, ...args: P) => R : Ack;
type AckWithError<P extends AnyArray> = P extends [...infer H, infer L]
  ? L extends AnyAck
    ? [...H, WithErrorFirst<L>]
    : P
  : P;

/** With `timeout()` or `ackTimeout`, ack callbacks receive an error (or null) first. */
export type DecorateAcknowledgements<Map extends EventsMap> = {
  [Ev in keyof Map]: Map[Ev] extends (...args: infer P) => infer R ? (...args: AckWithError<P>) => R : Map[Ev];
};

/** Why a socket disconnected (the first argument of `disconnect`). */
export type DisconnectReason =
  | 'io server disconnect'
  | 'io client disconnect'
  | 'ping timeout'
  | 'transport close'
  | 'transport error'
  | 'parse error'
  | 'forced close';

/** Events the library fires on a socket; a user may not emit these. */
export interface SocketReservedEvents {
  connect: () => void;
  connect_error: (error: Error) => void;
  disconnect: (reason: DisconnectReason, description?: unknown) => void;
}
