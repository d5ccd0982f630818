/**
 * Sliding-window rate limit: at most `limit` events in any `windowMs`. Keeps the last `limit`
 * timestamps in a ring, so a check is O(1) with no timers and no allocation.
 */
export class RateLimiter {
  readonly #windowMs: number;
  readonly #stamps: number[];
  #oldest = 0;

  constructor(limit: number, windowMs: number) {
    this.#windowMs = windowMs;
    this.#stamps = new Array<number>(limit).fill(Number.NEGATIVE_INFINITY);
  }

  /** Records an event and returns 0, or returns how many ms to wait when over the limit. */
  take(now: number): number {
    const elapsed = now - this.#stamps[this.#oldest];
    if (elapsed < this.#windowMs) return Math.max(1, Math.ceil(this.#windowMs - elapsed));
    this.#stamps[this.#oldest] = now;
    this.#oldest = (this.#oldest + 1) % this.#stamps.length;
    return 0;
  }
}
