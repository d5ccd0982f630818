/**
 * A catch-all listener list (`onAny`, `onAnyOutgoing`): created only when a first listener is
 * added, so sockets that never use catch-all listeners pay nothing for it.
 */
// biome-ignore lint/suspicious/noExplicitAny: catch-all listeners receive any event
export type AnyListener = (event: any, ...args: any[]) => void;

export class AnyListeners {
  #listeners: AnyListener[] = [];

  get size(): number {
    return this.#listeners.length;
  }

  add(listener: AnyListener, prepend: boolean): void {
    if (prepend) this.#listeners.unshift(listener);
    else this.#listeners.push(listener);
  }

  /** Removes one listener, or all of them without an argument. */
  remove(listener?: AnyListener): void {
    if (listener === undefined) {
      this.#listeners = [];
      return;
    }
    const index = this.#listeners.indexOf(listener);
    if (index !== -1) this.#listeners.splice(index, 1);
  }

  list(): AnyListener[] {
    return this.#listeners.slice();
  }

  /** Calls every listener with `args` ([event, ...args]); a throwing listener does not stop the others. */
  call(self: unknown, args: unknown[], onError: (error: unknown) => void): void {
    for (const listener of this.#listeners.slice()) {
      try {
        listener.apply(self, args as [unknown, ...unknown[]]);
      } catch (error) {
        onError(error);
      }
    }
  }
}
