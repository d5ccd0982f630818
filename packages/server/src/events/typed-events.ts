/**
 * Type-level event maps: the generics behind `Server<ListenEvents, EmitEvents, ServerSideEvents,
 * SocketData>`. Everything here is erased at runtime.
 */
import { EventEmitter } from 'node:events';

/** A map of event names to listener signatures. */
export interface EventsMap {
  // biome-ignore lint/suspicious/noExplicitAny: event maps hold arbitrary listener signatures
  [event: string]: any;
}

/** The untyped default: any event name, any arguments. */
export interface DefaultEventsMap {
  // biome-ignore lint/suspicious/noExplicitAny: untyped events accept anything
  [event: string]: (...args: any[]) => void;
}

export type EventNames<M extends EventsMap> = keyof M & (string | symbol);
export type EventParams<M extends EventsMap, E extends EventNames<M>> = Parameters<M[E]>;

// biome-ignore lint/suspicious/noExplicitAny: a callback of any shape
type AnyCallback = (...args: any[]) => any;
type IsAny<T> = 0 extends 1 & T ? true : false;

/** The last element of a parameter list. */
export type Last<T extends readonly unknown[]> = T extends readonly [...unknown[], infer L]
  ? L
  : T extends readonly (infer E)[]
    ? E
    : never;

/** Every parameter but the last. */
// biome-ignore lint/suspicious/noExplicitAny: mirrors an untyped rest list
export type AllButLast<T extends unknown[]> = T extends [...infer Init, unknown] ? Init : any[];

/** Names of the events whose last parameter is an acknowledgement callback. */
export type EventNamesWithAck<M extends EventsMap> = {
  [K in EventNames<M>]: IsAny<M[K]> extends true
    ? K
    : [Last<Parameters<M[K]>>] extends [never]
      ? never
      : Last<Parameters<M[K]>> extends AnyCallback
        ? K
        : never;
}[EventNames<M>];

/** The first argument an acknowledgement callback receives, skipping a leading `Error`. */
export type FirstNonErrorArg<F> = F extends (...args: infer A) => unknown
  ? A extends [Error, ...infer Rest]
    ? Rest[0]
    : A[0]
  : // biome-ignore lint/suspicious/noExplicitAny: untyped callbacks answer anything
    any;

type ErrorFirst<F> = F extends (...args: infer A) => infer R
  ? A extends [Error, ...unknown[]]
    ? F
    : (err: Error, ...args: A) => R
  : F;

type ManyResponses<F> = F extends (...args: infer A) => infer R
  ? A extends [Error, infer First, ...unknown[]]
    ? (err: Error, responses: First[]) => R
    : A extends [Error] | []
      ? (err: Error) => R
      : A extends [infer First, ...unknown[]]
        ? (err: Error, responses: First[]) => R
        : (err: Error, responses: unknown[]) => R
  : F;

type MapLastCallback<P extends unknown[], Mode extends 'timeout' | 'many'> = P extends [...infer Init, infer L]
  ? L extends AnyCallback
    ? [...Init, Mode extends 'timeout' ? ErrorFirst<L> : ManyResponses<L>]
    : P
  : P;

/** The events as seen after `socket.timeout(ms)`: acknowledgements become error-first. */
export type DecorateAcknowledgements<M> = {
  [K in keyof M]: M[K] extends (...args: infer P) => infer R ? (...args: MapLastCallback<P, 'timeout'>) => R : M[K];
};

/** The events as seen by a broadcast: acknowledgements receive `(err, responses[])`. */
export type DecorateAcknowledgementsWithMultipleResponses<M> = {
  [K in keyof M]: M[K] extends (...args: infer P) => infer R ? (...args: MapLastCallback<P, 'many'>) => R : M[K];
};

export type ReservedOrUserEventNames<Reserved extends EventsMap, User extends EventsMap> =
  | EventNames<Reserved>
  | EventNames<User>;

type FallbackToUntyped<T> = [T] extends [never] ? (...args: unknown[]) => void | Promise<void> : T;

export type ReservedOrUserListener<
  Reserved extends EventsMap,
  User extends EventsMap,
  E extends ReservedOrUserEventNames<Reserved, User>,
> = FallbackToUntyped<E extends EventNames<Reserved> ? Reserved[E] : E extends EventNames<User> ? User[E] : never>;

/**
 * An EventEmitter whose `on`/`once`/`off` are typed by the events it listens to (user events
 * plus reserved ones such as `disconnect`), and whose `emit` is typed by the events it sends.
 */
export abstract class StrictEventEmitter<
  ListenEvents extends EventsMap,
  EmitEvents extends EventsMap,
  ReservedEvents extends EventsMap = Record<never, never>,
> extends EventEmitter {
  override on<E extends ReservedOrUserEventNames<ReservedEvents, ListenEvents>>(
    event: E,
    listener: ReservedOrUserListener<ReservedEvents, ListenEvents, E>,
  ): this {
    return super.on(event, listener as AnyCallback);
  }

  override once<E extends ReservedOrUserEventNames<ReservedEvents, ListenEvents>>(
    event: E,
    listener: ReservedOrUserListener<ReservedEvents, ListenEvents, E>,
  ): this {
    return super.once(event, listener as AnyCallback);
  }

  override off<E extends ReservedOrUserEventNames<ReservedEvents, ListenEvents>>(
    event: E,
    listener: ReservedOrUserListener<ReservedEvents, ListenEvents, E>,
  ): this {
    return super.off(event, listener as AnyCallback);
  }

  override listeners<E extends ReservedOrUserEventNames<ReservedEvents, ListenEvents>>(
    event: E,
  ): ReservedOrUserListener<ReservedEvents, ListenEvents, E>[] {
    return super.listeners(event) as ReservedOrUserListener<ReservedEvents, ListenEvents, E>[];
  }

  // biome-ignore lint/suspicious/noExplicitAny: subclasses type the arguments per event
  abstract override emit(event: EventNames<EmitEvents>, ...args: any[]): boolean;

  /** Fires a reserved event (connection, disconnect, ...) to local listeners. */
  protected emitReserved<E extends EventNames<ReservedEvents>>(
    event: E,
    ...args: EventParams<ReservedEvents, E>
  ): boolean {
    return EventEmitter.prototype.emit.call(this, event, ...args);
  }

  /** Fires any event to local listeners, bypassing the typed, network-bound `emit`. */
  protected emitUntyped(event: string | symbol, ...args: unknown[]): boolean {
    return EventEmitter.prototype.emit.call(this, event, ...args);
  }
}
