/** drain(io, { jitterMs }): a node sends its clients away, spread over the jitter, before a deploy. */
import { createConnection } from 'node:net';
import { afterEach, expect, test } from 'vitest';
import { waitFor } from '../../server/test/support/wait.js';
import { drain } from '../src/index.js';
import { connect, deleteKeys, describeWithRedis, startCluster, uniqueKey } from './helpers.js';
import { onTeardown, teardown } from './teardown.js';

afterEach(teardown);

describeWithRedis('drain', () => {
  test('stops accepting, closes every client over the jitter (they see "transport close"), then resolves', async () => {
    const key = uniqueKey();
    onTeardown(() => deleteKeys(key));
    const [node] = await startCluster(1, { key }, { connectionStateRecovery: { maxDisconnectionDuration: 10_000 } });
    const clients = await Promise.all([0, 1, 2, 3].map(() => connect(node)));
    const closedAt: number[] = [];
    const reasons = clients.map((client) =>
      waitFor<[string]>(client, 'disconnect', 10_000).then(([reason]) => {
        closedAt.push(Date.now());
        return reason;
      }),
    );
    const started = Date.now();
    await drain(node.io, { jitterMs: 800 });
    expect(await Promise.all(reasons)).toEqual(Array(4).fill('transport close'));
    expect(node.io.engine.clientsCount).toBe(0);
    // Spread: the last client left well after the first (four slots over 800 ms).
    expect(Math.max(...closedAt) - Math.min(...closedAt)).toBeGreaterThan(300);
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
    // The listener is closed: a new connection is refused (the balancer tries another node).
    const refused = new Promise<string>((resolve) => {
      const socket = createConnection(node.port, '127.0.0.1');
      socket.once('connect', () => resolve('accepted'));
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      onTeardown(() => socket.destroy());
    });
    expect(await refused).toBe('ECONNREFUSED');
  });

  test('with no client it resolves at once; bad options are a coded error', async () => {
    const key = uniqueKey();
    onTeardown(() => deleteKeys(key));
    const [node] = await startCluster(1, { key });
    expect(() => drain(node.io, { jitterMs: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    const started = Date.now();
    await drain(node.io, { jitterMs: 60_000 });
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
