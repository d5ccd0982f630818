/**
 * The bounded waits every test suite shares (server, client, Redis adapter, chat): the next
 * event (`waitFor`), state that no event announces (`until`, which polls), or a promise
 * (`within`). A wait fails with what it waited for once its bound passes, so a broken test fails
 * fast instead of running into the runner's timeout with no message.
 */
import type { EventEmitter } from 'node:events';

/** How long a wait lasts by default before it fails the test. */
export const WAIT_MS = 10_000;

/** How often `until` looks again. */
const POLL_MS = 10;

/**
 * Anything with `once`: Node's EventEmitter (the engine's sockets), socket.io-client's Emitter, the
 * v2 client's. Node's is named apart because its generic `once` is not assignable to the other.
 */
export type OnceEmitter = EventEmitter | { once(event: string, listener: (...args: never[]) => void): unknown };

/**
 * Takes a timed-out wait's listener off again, where the emitter has `off` (all of ours do; its
 * typed overloads differ between them, hence the untyped look-up).
 */
function stopListening(emitter: OnceEmitter, event: string, listener: (...args: unknown[]) => void): void {
  const off: unknown = (emitter as { off?: unknown }).off;
  if (typeof off === 'function') off.call(emitter, event, listener);
}

/** Resolves with the arguments of the next `event`; fails after `timeoutMs`. */
export function waitFor<T extends unknown[] = unknown[]>(
  emitter: OnceEmitter,
  event: string,
  timeoutMs = WAIT_MS,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const listener = (...args: unknown[]) => {
      clearTimeout(timer);
      resolve(args as unknown as T);
    };
    const timer = setTimeout(() => {
      stopListening(emitter, event, listener);
      reject(new Error(`timed out waiting for "${event}"`));
    }, timeoutMs);
    emitter.once(event, listener);
  });
}

/** Resolves once `check()` holds, polling; fails after `timeoutMs`, naming `what` it waited for. */
export async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs = WAIT_MS,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Resolves as `promise` does, or fails after `timeoutMs`, naming `what` it waited for. */
export function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}
