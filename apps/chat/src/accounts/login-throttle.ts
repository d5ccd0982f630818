/**
 * Slows password guessing: after too many failed sign-ins for one username, or from one address,
 * within a window, further attempts are refused (429) until the window ends. Per node: a cluster of
 * N nodes allows up to N times the budget, still far too few for guessing.
 */
export interface ThrottleLimits {
  perUsername: number;
  perAddress: number;
  windowMs: number;
}

export const DEFAULT_THROTTLE: ThrottleLimits = { perUsername: 5, perAddress: 20, windowMs: 15 * 60 * 1000 };

/** Entries kept at most; the oldest windows go first, so a spray of names cannot exhaust memory. */
const MAX_ENTRIES = 50_000;

export class LoginThrottle {
  readonly #limits: ThrottleLimits;
  /** key -> failures in the window that started at `since`. Map order is insertion order. */
  readonly #failures = new Map<string, { count: number; since: number }>();

  constructor(limits: Partial<ThrottleLimits> = {}) {
    this.#limits = { ...DEFAULT_THROTTLE, ...limits };
  }

  /** Milliseconds until another attempt is allowed (0: allowed now). */
  retryAfter(username: string, address: string, now: number): number {
    return Math.max(
      this.#wait(`u:${username.toLowerCase()}`, this.#limits.perUsername, now),
      this.#wait(`a:${address}`, this.#limits.perAddress, now),
    );
  }

  recordFailure(username: string, address: string, now: number): void {
    this.#add(`u:${username.toLowerCase()}`, now);
    this.#add(`a:${address}`, now);
  }

  /** A successful sign-in clears the username's failures (the address keeps its count). */
  recordSuccess(username: string): void {
    this.#failures.delete(`u:${username.toLowerCase()}`);
  }

  #wait(key: string, limit: number, now: number): number {
    const entry = this.#failures.get(key);
    if (!entry) return 0;
    const ends = entry.since + this.#limits.windowMs;
    if (ends <= now) {
      this.#failures.delete(key);
      return 0;
    }
    return entry.count >= limit ? ends - now : 0;
  }

  #add(key: string, now: number): void {
    const entry = this.#failures.get(key);
    if (entry && entry.since + this.#limits.windowMs > now) {
      entry.count++;
      return;
    }
    this.#failures.delete(key);
    this.#failures.set(key, { count: 1, since: now });
    if (this.#failures.size > MAX_ENTRIES) {
      const oldest = this.#failures.keys().next().value;
      if (oldest !== undefined) this.#failures.delete(oldest);
    }
  }
}
