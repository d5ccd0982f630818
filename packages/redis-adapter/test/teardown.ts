/**
 * What a Redis adapter test started (nodes, clients, keys), stopped after it in reverse order:
 * suites register `afterEach(teardown)`, and the adapter contract uses it as a cluster's `close`.
 */

/** Everything a test started, closed in afterEach by `teardown`. */
const cleanups: Array<() => Promise<unknown> | unknown> = [];

export function onTeardown(fn: () => Promise<unknown> | unknown): void {
  cleanups.push(fn);
}

export async function teardown(): Promise<void> {
  const pending = cleanups.splice(0).reverse();
  for (const fn of pending) {
    try {
      await fn();
    } catch {
      // best effort: a node killed by the test is already half closed
    }
  }
}
