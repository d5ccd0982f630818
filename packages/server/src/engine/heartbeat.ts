/**
 * A timer wheel shared by every session of a server: one unref'd interval advances through
 * time slots and fires only the targets due in them. 100k sessions cost one timer, not 100k.
 *
 * A target's place (slot and index in that slot's array) is kept on the target itself under
 * symbol keys, so scheduling and cancelling are O(1) without a map entry or a set entry per
 * target: the wheel's memory per scheduled session is one array element.
 */

export const WHEEL_SLOT = Symbol('parley.wheelSlot');
export const WHEEL_INDEX = Symbol('parley.wheelIndex');

/** Slot value of a target that is not scheduled. */
const UNSCHEDULED = -1;

export interface WheelTarget {
  /** Called once when the target's deadline passes (after which it is no longer scheduled). */
  onTimer(): void;
  /** Maintained by the wheel (classes may declare them, initialised to -1 and 0, for a stable shape). */
  [WHEEL_SLOT]?: number;
  [WHEEL_INDEX]?: number;
}

export class TimerWheel<T extends WheelTarget> {
  readonly #resolution: number;
  readonly #slots = new Map<number, T[]>();
  #size = 0;
  #interval: ReturnType<typeof setInterval> | undefined;
  /** The last slot already fired. */
  #cursor = 0;

  /** @param resolution slot width in milliseconds: deadlines fire up to this late. */
  constructor(resolution: number) {
    this.#resolution = Math.max(1, Math.floor(resolution));
  }

  get size(): number {
    return this.#size;
  }

  /** (Re)schedules `target` to fire after `delay` milliseconds. */
  schedule(target: T, delay: number): void {
    this.cancel(target);
    if (this.#interval === undefined) this.#start();
    const slot = Math.max(Math.ceil((Date.now() + delay) / this.#resolution), this.#cursor + 1);
    let bucket = this.#slots.get(slot);
    if (bucket === undefined) {
      bucket = [];
      this.#slots.set(slot, bucket);
    }
    target[WHEEL_SLOT] = slot;
    target[WHEEL_INDEX] = bucket.length;
    bucket.push(target);
    this.#size++;
  }

  cancel(target: T): void {
    const slot = target[WHEEL_SLOT];
    if (slot === undefined || slot === UNSCHEDULED) return;
    target[WHEEL_SLOT] = UNSCHEDULED;
    this.#size--;
    // A bucket being fired is already out of the map; its loop skips unscheduled targets.
    const bucket = this.#slots.get(slot);
    if (bucket === undefined) return;
    const index = target[WHEEL_INDEX] as number;
    const last = bucket.pop() as T;
    if (last !== target) {
      bucket[index] = last;
      last[WHEEL_INDEX] = index;
    }
    if (bucket.length === 0) this.#slots.delete(slot);
  }

  /** Stops the wheel and forgets every target. */
  clear(): void {
    for (const bucket of this.#slots.values()) {
      for (const target of bucket) target[WHEEL_SLOT] = UNSCHEDULED;
    }
    this.#slots.clear();
    this.#size = 0;
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
      const slot = ++this.#cursor;
      const bucket = this.#slots.get(slot);
      if (bucket === undefined) continue;
      this.#slots.delete(slot);
      for (const target of bucket) {
        // Cancelled (or rescheduled) by an earlier target of this slot.
        if (target[WHEEL_SLOT] !== slot) continue;
        target[WHEEL_SLOT] = UNSCHEDULED;
        this.#size--;
        // A throwing listener must not cost the other targets of this slot their deadline.
        try {
          target.onTimer();
        } catch (error) {
          failure ??= { error };
        }
      }
    }
    if (this.#size === 0) this.#stop();
    if (failure) throw failure.error;
  }
}
