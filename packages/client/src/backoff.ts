/**
 * Exponential backoff with jitter for reconnection: attempt n waits about min * 2^n ms, spread
 * by ±jitter so a fleet of clients does not reconnect in lockstep, then capped at max.
 */
export class Backoff {
  /** Delays handed out since the last reset. */
  attempts = 0;

  declare min: number;
  declare max: number;
  declare jitter: number;
  declare readonly random: () => number;

  constructor(min = 1000, max = 5000, jitter = 0.5, random = Math.random) {
    this.min = min;
    this.max = max;
    this.jitter = jitter;
    this.random = random;
  }

  /** The delay before the next attempt; counts one attempt. */
  duration(): number {
    // min(…, 1e15): stays finite after very many attempts (2 ** 1024 is Infinity)
    const base = Math.min(this.min * 2 ** this.attempts++, 1e15);
    const spread = base * Math.min(Math.max(this.jitter, 0), 1);
    // Spread first, capped after, as in socket.io-client: once the doubling passes max, a delay
    // is max or a little under it (by default 4000 to 5000 ms at attempt 4, then 5000), where
    // spreading the capped value gave 2500 to 5000 ms: a third more retries against a server
    // that is coming back.
    return Math.floor(Math.min(this.max, base - spread + 2 * spread * this.random()));
  }

  reset(): void {
    this.attempts = 0;
  }
}
