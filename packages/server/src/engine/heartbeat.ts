/**
 * A timer wheel shared by every session of a server: one unref'd interval advances through
 * time slots and fires only the targets due in them. Scheduling and cancelling are O(1) map
 * operations; 100k sessions cost one timer, not 100k.
 */

export interface WheelTarget {
  /** Called once when the target's deadline passes (after which it is no longer scheduled). */
  onTimer(): void;
}

export class TimerWheel<T extends WheelTarget> {
  readonly #resolution: number;
  readonly #slots = new Map<number, Set<T>>();
  readonly #slotOf = new Map<T, number>();
  #interval: ReturnType<typeof setInterval> | undefined;
  /** The last slot already fired. */
  #cursor = 0;

  /** @param resolution slot width in milliseconds: deadlines fire up to this late. */
  constructor(resolution: number) {
    this.#resolution = Math.max(1, Math.floor(resolution));
  }

  get size(): number {
    return this.#slotOf.size;
  }

  /** (Re)schedules `target` to fire after `delay` milliseconds. */
  schedule(target: T, delay: number): void {
    this.cancel(target);
    if (this.#interval === undefined) this.#start();
    const slot = Math.max(Math.ceil((Date.now() + delay) / this.#resolution), this.#cursor + 1);
    let bucket = this.#slots.get(slot);
    if (bucket === undefined) {
      bucket = new Set();
      this.#slots.set(slot, bucket);
    }
    bucket.add(target);
    this.#slotOf.set(target, slot);
  }

  cancel(target: T): void {
    const slot = this.#slotOf.get(target);
    if (slot === undefined) return;
    this.#slotOf.delete(target);
    const bucket = this.#slots.get(slot);
    if (bucket === undefined) return;
    bucket.delete(target);
    if (bucket.size === 0) this.#slots.delete(slot);
  }

  /** Stops the wheel and forgets every target. */
  clear(): void {
    this.#slots.clear();
    this.#slotOf.clear();
    this.#stop();
  }

  #start(): void {
    this.#cursor = Math.floor(Date.now() / this.#resolution);
    this.#interval = setInterval(() => this.tick(), this.#resolution);
    this.#interval.unref();
  }

  #stop(): void {
    if (this.#interval !== undefined) clearInterval(this.#interval);
    this.#interval = undefined;
  }

  /**
   * Fires every target due by `time` (the interval calls this; tests may call it to advance
   * time). If a target throws, the others still fire and the first error is rethrown after.
   */
  tick(time = Date.now()): void {
    const now = Math.floor(time / this.#resolution);
    let failure: { error: unknown } | undefined;
    while (this.#cursor < now) {
      this.#cursor++;
      const bucket = this.#slots.get(this.#cursor);
      if (bucket === undefined) continue;
      this.#slots.delete(this.#cursor);
      for (const target of bucket) {
        this.#slotOf.delete(target);
        // A throwing listener must not cost the other targets of this slot their deadline.
        try {
          target.onTimer();
        } catch (error) {
          failure ??= { error };
        }
      }
    }
    if (this.#slotOf.size === 0) this.#stop();
    if (failure) throw failure.error;
  }
}
