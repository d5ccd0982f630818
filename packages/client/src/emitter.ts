/**
 * A tiny typed event emitter (on/once/off/listeners), the API of socket.io-client's emitter,
 * without a dependency. `emitReserved` is protected so that a subclass (Socket) can give
 * `emit` another meaning (sending to the server) while still firing its own events.
 */

// biome-ignore lint/suspicious/noExplicitAny: listener signatures are supplied by the event maps
type Any = any;
export type Listener = (...args: Any[]) => void;
/** Event name -> listener signature. */
export type EventsMap = { [event: string]: Any };
export type EventNames<Map extends EventsMap> = keyof Map & string;
/** Names a listener may subscribe to: the library's reserved events and the user's. */
export type AllEventNames<User extends EventsMap, Reserved extends EventsMap> = EventNames<User> | EventNames<Reserved>;
/** The listener type for `Ev`: reserved events win over user events of the same name. */
export type ListenerOf<User extends EventsMap, Reserved extends EventsMap, Ev> =
  Ev extends EventNames<Reserved> ? Reserved[Ev] : Ev extends EventNames<User> ? User[Ev] : Listener;

// A `once` listener is kept as a wrapper whose `fn` is the function given, as socket.io-client's.
type Wrapped = Listener & { fn?: Listener };

// biome-ignore lint/complexity/noBannedTypes: no user events by default
export class Emitter<User extends EventsMap, Reserved extends EventsMap = {}> {
  #listeners = new Map<string, Wrapped[]>();

  /** Registers a listener. */
  on<E extends AllEventNames<User, Reserved>>(event: E, listener: ListenerOf<User, Reserved, E>): this {
    const list = this.#listeners.get(event);
    if (list) list.push(listener);
    else this.#listeners.set(event, [listener]);
    return this;
  }

  /** Registers a listener that runs at most once. */
  once<E extends AllEventNames<User, Reserved>>(event: E, listener: ListenerOf<User, Reserved, E>): this {
    const wrapped: Wrapped = (...args) => {
      this.off(event, wrapped as ListenerOf<User, Reserved, E>);
      listener.apply(this, args);
    };
    wrapped.fn = listener;
    return this.on(event, wrapped as ListenerOf<User, Reserved, E>);
  }

  /**
   * Removes one listener, every listener of an event, or every listener (no arguments). As in
   * socket.io-client, the number of arguments decides, not their values: `off('x', undefined)`
   * removes one listener of 'x' (the first not added with `once`), and `off(undefined)` none.
   */
  off<E extends AllEventNames<User, Reserved>>(...args: [event?: E, listener?: ListenerOf<User, Reserved, E>]): this {
    const [event, listener] = args;
    if (!args.length) this.#listeners.clear();
    else if (args.length < 2) this.#listeners.delete(event!);
    else {
      const list = this.#listeners.get(event!);
      const index = list ? list.findIndex((l) => l === listener || l.fn === listener) : -1;
      if (index >= 0) list!.splice(index, 1);
      // An event nobody listens to any more has no list: one held from listeners() is left behind.
      if (list && !list.length) this.#listeners.delete(event!);
    }
    return this;
  }

  /** Alias of {@link off}. */
  removeListener<E extends AllEventNames<User, Reserved>>(
    ...args: [event?: E, listener?: ListenerOf<User, Reserved, E>]
  ): this {
    return this.off(...args);
  }

  /** Alias of {@link off}. */
  removeAllListeners<E extends AllEventNames<User, Reserved>>(...args: [event?: E]): this {
    return this.off(...args);
  }

  /** The event's own list, live, with a `once` listener's wrapper (its `fn`), as socket.io-client's. */
  listeners<E extends AllEventNames<User, Reserved>>(event: E): ListenerOf<User, Reserved, E>[] {
    return (this.#listeners.get(event) ?? []) as ListenerOf<User, Reserved, E>[];
  }

  hasListeners<E extends AllEventNames<User, Reserved>>(event: E): boolean {
    return (this.#listeners.get(event)?.length ?? 0) > 0;
  }

  /** Fires an event; listeners added or removed while it runs do not change this dispatch. */
  protected emitReserved<E extends EventNames<Reserved>>(event: E, ...args: Parameters<Reserved[E]>): this {
    return this.dispatch(event, args);
  }

  /** Untyped dispatch, for events whose names come from the network. */
  protected dispatch(event: string, args: readonly unknown[]): this {
    const list = this.#listeners.get(event);
    if (list) for (const listener of list.slice()) listener.apply(this, args as unknown[]);
    return this;
  }
}

/** An emitter whose `emit` fires local events (the Manager and the engine session). */
// biome-ignore lint/complexity/noBannedTypes: local events are all reserved
export class LocalEmitter<Events extends EventsMap> extends Emitter<{}, Events> {
  emit<E extends EventNames<Events>>(event: E, ...args: Parameters<Events[E]>): this {
    return this.emitReserved(event, ...args);
  }
}

/** Subscribes and returns the matching unsubscribe, so owners can drop every subscription at once. */
export function subscribe<Events extends EventsMap, E extends EventNames<Events>>(
  // biome-ignore lint/complexity/noBannedTypes: local events are all reserved
  emitter: Emitter<{}, Events>,
  event: E,
  listener: NoInfer<Events[E]>,
): () => void {
  emitter.on(event, listener);
  return () => emitter.off(event, listener);
}
