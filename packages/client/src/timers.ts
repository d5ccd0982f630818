/**
 * The clock seam: everything time-based (backoff, heartbeat watchdog, connect and ack timeouts)
 * goes through a `Timers`, so tests can drive it without sockets or real waiting.
 */
import { unrefTimers } from './platform.js';

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

/** The global timers as they are when called: fake timers installed later drive them, as in socket.io-client. */
export const systemTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};

// Captured when this module loads, before any test library can replace the globals.
const nativeSetTimeout = setTimeout;
const nativeClearTimeout = clearTimeout;
const nativeNow = Date.now;

/** `useNativeTimers`: the timer functions as they were when the client was loaded. */
export const nativeTimers: Timers = {
  setTimeout: (callback, ms) => nativeSetTimeout(callback, ms),
  clearTimeout: (handle) => nativeClearTimeout(handle as ReturnType<typeof setTimeout>),
  now: () => nativeNow(),
};

/** The clock options select: an injected `timers`, else native or global timers, unref'ed with `autoUnref`. */
export function resolveTimers(opts: { timers?: Timers; useNativeTimers?: boolean; autoUnref?: boolean }): Timers {
  const timers = opts.timers ?? (opts.useNativeTimers ? nativeTimers : systemTimers);
  return opts.autoUnref ? unrefTimers(timers) : timers;
}
