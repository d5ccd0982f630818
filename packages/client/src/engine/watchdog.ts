import type { Timers } from '../timers.js';

/**
 * The heartbeat watchdog: the server pings every pingInterval, so if nothing arrives within
 * pingInterval + pingTimeout it is gone. One timer per session, re-armed on each ping.
 * `expired` also catches the case where timers were throttled (a background tab) and the
 * deadline has passed without the callback having run yet.
 */
export class Watchdog {
  readonly #timers: Timers;
  readonly #onExpire: () => void;
  #handle: unknown;
  #deadline = 0;

  constructor(timers: Timers, onExpire: () => void) {
    this.#timers = timers;
    this.#onExpire = onExpire;
  }

  arm(ms: number): void {
    this.stop();
    this.#deadline = this.#timers.now() + ms;
    this.#handle = this.#timers.setTimeout(() => {
      this.#deadline = 0;
      this.#onExpire();
    }, ms);
  }

  stop(): void {
    this.#timers.clearTimeout(this.#handle);
    this.#deadline = 0;
  }

  get expired(): boolean {
    return this.#deadline > 0 && this.#timers.now() > this.#deadline;
  }
}
