/**
 * Catch-all listeners (`onAny`, `onAnyOutgoing` and their family) on top of the typed emitter.
 * The listener lists exist only once a first catch-all listener is added.
 */
import { type AnyListener, AnyListeners } from './any-listeners.js';
import { type EventsMap, StrictEventEmitter } from './typed-events.js';

export abstract class CatchAllEmitter<
  ListenEvents extends EventsMap,
  EmitEvents extends EventsMap,
  ReservedEvents extends EventsMap,
> extends StrictEventEmitter<ListenEvents, EmitEvents, ReservedEvents> {
  #incoming: AnyListeners | undefined;
  #outgoing: AnyListeners | undefined;

  /** Adds a listener called with `(event, ...args)` for every incoming event. */
  onAny(listener: AnyListener): this {
    this.#incoming ??= new AnyListeners();
    this.#incoming.add(listener, false);
    return this;
  }

  /** Like {@link onAny}, called before the catch-all listeners already added. */
  prependAny(listener: AnyListener): this {
    this.#incoming ??= new AnyListeners();
    this.#incoming.add(listener, true);
    return this;
  }

  /** Removes one catch-all listener, or all of them without an argument. */
  offAny(listener?: AnyListener): this {
    this.#incoming?.remove(listener);
    return this;
  }

  listenersAny(): AnyListener[] {
    return this.#incoming?.list() ?? [];
  }

  /** Adds a listener called with `(event, ...args)` for every event sent to the client. */
  onAnyOutgoing(listener: AnyListener): this {
    this.#outgoing ??= new AnyListeners();
    this.#outgoing.add(listener, false);
    return this;
  }

  prependAnyOutgoing(listener: AnyListener): this {
    this.#outgoing ??= new AnyListeners();
    this.#outgoing.add(listener, true);
    return this;
  }

  offAnyOutgoing(listener?: AnyListener): this {
    this.#outgoing?.remove(listener);
    return this;
  }

  listenersAnyOutgoing(): AnyListener[] {
    return this.#outgoing?.list() ?? [];
  }

  /** Calls the incoming catch-all listeners with `[event, ...args]`. */
  protected notifyIncoming(args: unknown[]): void {
    if (this.#incoming !== undefined && this.#incoming.size > 0) {
      this.#incoming.call(this, args, (error) => this.handleUserError(error));
    }
  }

  /** Calls the outgoing catch-all listeners with `[event, ...args]`. */
  protected notifyOutgoing(args: unknown[]): void {
    if (this.#outgoing !== undefined && this.#outgoing.size > 0) {
      this.#outgoing.call(this, args, (error) => this.handleUserError(error));
    }
  }

  /** Reports an exception thrown by a user's listener. */
  protected abstract handleUserError(error: unknown): void;
}
