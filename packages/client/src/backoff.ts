/**
 * Exponential backoff with jitter for reconnection: attempt n waits about min * 2^n ms,
 * capped at max, spread by ±jitter so a fleet of clients does not reconnect in lockstep.
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
    const base = Math.min(this.max, this.min * 2 ** this.attempts++);
    const spread = base * Math.min(Math.max(this.jitter, 0), 1);
    return Math.max(0, Math.min(this.max, Math.round(base - spread + 2 * spread * this.random())));
  }

  reset(): void {
    this.attempts = 0;
  }
}
