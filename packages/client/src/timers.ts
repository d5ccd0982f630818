/**
 * The clock seam: everything time-based (backoff, heartbeat watchdog, connect and ack timeouts)
 * goes through a `Timers`, so tests can drive it without sockets or real waiting.
 */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

export const systemTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};

/** Node: timers that don't keep the process alive (`autoUnref`); elsewhere the same timers. */
export function unrefTimers(timers: Timers): Timers {
  return {
    ...timers,
    setTimeout(callback, ms) {
      const handle = timers.setTimeout(callback, ms);
      (handle as { unref?: () => void } | undefined)?.unref?.();
      return handle;
    },
  };
}
