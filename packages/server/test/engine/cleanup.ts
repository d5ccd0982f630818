/**
 * What the engine tests opened (engines, sockets, requests), closed after each test in reverse
 * order: every suite that imports the engine test helpers gets this `afterEach`.
 */
import { afterEach } from 'vitest';

const closers: Array<() => unknown> = [];

/** Registers something to close after the test. */
export function onCleanup(close: () => unknown): void {
  closers.push(close);
}

/** Runs (in reverse order) and forgets every registered closer. */
async function cleanup(): Promise<void> {
  while (closers.length > 0) {
    const close = closers.pop()!;
    try {
      await close();
    } catch {
      // teardown of something already gone
    }
  }
}

// Every suite that uses these helpers closes what its tests opened, after each test.
afterEach(cleanup);
