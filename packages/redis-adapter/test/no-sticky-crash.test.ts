/**
 * No sticky sessions and a crash: three node processes behind the per-request round-robin
 * balancer, with `routeSessions`, connection state recovery and `crashRecovery`. The owner of
 * an official client's session (upgraded to WebSocket, possibly through another node) is
 * killed: the client is disconnected, reconnects through the balancer to a live node and
 * recovers its session there.
 */
import { io as connectClient } from 'socket.io-client';
import { afterEach, expect, test } from 'vitest';
import { until, waitFor } from '../../server/test/support/wait.js';
import { deleteKeys, describeWithRedis, uniqueKey } from './helpers.js';
import { NodeProcess, useNodeBundle } from './node-processes.js';
import { RequestBalancer } from './request-balancer.js';
import { onTeardown, teardown } from './teardown.js';

const bundle = useNodeBundle();
afterEach(teardown);

describeWithRedis('no sticky sessions: the owner crashes', () => {
  test('the client is disconnected, reconnects to a live node and recovers its session', async () => {
    const key = uniqueKey();
    onTeardown(() => deleteKeys(key));
    const nodes = await Promise.all(
      [0, 1, 2].map(async () => {
        const node = await NodeProcess.start(bundle(), key, true, true);
        onTeardown(() => node.stop('SIGKILL'));
        return node;
      }),
    );
    const balancer = new RequestBalancer(nodes.map((node) => node.port));
    const url = `http://127.0.0.1:${await balancer.listen()}`;
    onTeardown(() => balancer.close());
    const client = connectClient(url, { forceNew: true, reconnectionDelay: 100, reconnectionDelayMax: 500 });
    onTeardown(() => client.disconnect());
    await waitFor(client, 'connect', 10_000);
    await until(() => client.io.engine.transport.name === 'websocket', 10_000, 'the upgrade to WebSocket');
    const owner = nodes.findIndex((node) => client.io.engine.id.startsWith(`${node.tag}.`));
    expect(owner).toBeGreaterThanOrEqual(0);
    const id = client.id;
    // Recovery starts from the offset of the last broadcast received: the client gets a few.
    const numbers: number[] = [];
    client.on('n', (n: number) => numbers.push(n));
    nodes[(owner + 1) % 3].send({ op: 'count', every: 20, upTo: 5 });
    await until(() => numbers.length === 5, 10_000, 'five broadcasts');

    const disconnected = waitFor(client, 'disconnect', 10_000);
    await nodes[owner].stop('SIGKILL');
    await disconnected;
    await waitFor(client, 'connect', 15_000);
    expect(client.recovered).toBe(true);
    expect(client.id).toBe(id);
    const newOwner = nodes.findIndex((node) => client.io.engine.id.startsWith(`${node.tag}.`));
    expect(newOwner).not.toBe(owner);
    expect(nodes[newOwner].alive).toBe(true);
    expect(numbers).toEqual([1, 2, 3, 4, 5]);
  }, 60_000);
});
