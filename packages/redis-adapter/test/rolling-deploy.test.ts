/**
 * Exactly-once delivery across a rolling deploy and across crashes: three nodes (child
 * processes) stopped and replaced one after another while a fourth broadcasts a number every
 * 20 ms to 30 official WebSocket clients behind a round-robin balancer, with connection state
 * recovery on. Every client must recover and get every number once, in order.
 */
import { type Socket as ClientSocket, io as connectClient } from 'socket.io-client';
import { afterEach, expect, test } from 'vitest';
import { until, waitFor } from '../../server/test/support/wait.js';
import { deleteKeys, describeWithRedis, uniqueKey } from './helpers.js';
import { NodeProcess, RoundRobinBalancer, useNodeBundle } from './node-processes.js';
import { onTeardown, teardown } from './teardown.js';

const CLIENTS = 30;
const NUMBERS = 400;
const EVERY_MS = 20;

const bundle = useNodeBundle();
afterEach(teardown);

interface Outcome {
  numbers: number[][];
  reconnects: number[];
  recoveries: number[];
  /** When clients saw their connection go, per restarted node. */
  disconnectedAt: number[][];
}

type Stop = 'SIGTERM' | 'SIGKILL' | 'drain';
const DRAIN_JITTER_MS = 1500;

async function startNode(key: string, crashRecovery: boolean): Promise<NodeProcess> {
  const node = await NodeProcess.start(bundle(), key, crashRecovery);
  onTeardown(() => node.stop('SIGKILL'));
  return node;
}

/** Runs the scenario; nodes are stopped by `stop` (SIGTERM: graceful, SIGKILL: a crash, or drained). */
async function restartWhileBroadcasting(stop: Stop): Promise<Outcome> {
  const key = uniqueKey();
  onTeardown(() => deleteKeys(key));
  // Only a crash needs the sessions of connected sockets in Redis.
  const crashRecovery = stop === 'SIGKILL';
  const broadcaster = await startNode(key, crashRecovery);
  const nodes = await Promise.all([0, 1, 2].map(() => startNode(key, crashRecovery)));
  const balancer = new RoundRobinBalancer(nodes.map((node) => node.port));
  const port = await balancer.listen();
  onTeardown(() => balancer.close());

  const clients: ClientSocket[] = [];
  const outcome: Outcome = { numbers: [], reconnects: [], recoveries: [], disconnectedAt: [[], [], []] };
  let round = 0;
  for (let i = 0; i < CLIENTS; i++) {
    const client = connectClient(`http://127.0.0.1:${port}`, {
      transports: ['websocket'],
      forceNew: true,
      reconnectionDelay: 100,
      reconnectionDelayMax: 1000,
    });
    onTeardown(() => client.disconnect());
    const numbers: number[] = [];
    outcome.numbers.push(numbers);
    outcome.reconnects.push(-1);
    outcome.recoveries.push(0);
    client.on('n', (n: number) => numbers.push(n));
    client.on('disconnect', () => outcome.disconnectedAt[round]?.push(Date.now()));
    client.on('connect', () => {
      outcome.reconnects[i]++;
      if (client.recovered) outcome.recoveries[i]++;
    });
    clients.push(client);
  }
  await until(() => clients.every((client) => client.connected), 15_000, 'every client connected');

  const counted = waitFor(broadcaster.child, 'message', 60_000);
  broadcaster.send({ op: 'count', every: EVERY_MS, upTo: NUMBERS });
  for (let i = 0; i < nodes.length; i++) {
    // Restart the next node once every client (those of the last restarted node included) is
    // receiving again.
    const threshold = (i + 1) * 70;
    await until(
      () => outcome.numbers.every((numbers) => numbers.length >= threshold),
      20_000,
      `every client past ${threshold} numbers`,
    );
    round = i;
    if (stop === 'drain') await nodes[i].drain(DRAIN_JITTER_MS);
    else await nodes[i].stop(stop);
    nodes[i] = await startNode(key, crashRecovery);
    balancer.backends[i] = nodes[i].port;
  }
  await counted;
  await until(
    () => outcome.numbers.every((numbers) => numbers.at(-1) === NUMBERS),
    20_000,
    'every client got the last number',
  );
  return outcome;
}

function expectEveryNumberOnce(outcome: Outcome): void {
  const expected = Array.from({ length: NUMBERS }, (_, i) => i + 1);
  for (const numbers of outcome.numbers) expect(numbers).toEqual(expected);
  // Every client went through at least one restart, and each reconnection recovered its session.
  for (let i = 0; i < CLIENTS; i++) {
    expect(outcome.reconnects[i]).toBeGreaterThan(0);
    expect(outcome.recoveries[i]).toBe(outcome.reconnects[i]);
  }
}

describeWithRedis('rolling deploy with connection state recovery', () => {
  test('SIGTERM then io.close(), one node after another: every client gets every number exactly once', async () => {
    expectEveryNumberOnce(await restartWhileBroadcasting('SIGTERM'));
  }, 60_000);

  // Nothing is stored on the way out: the sessions kept in Redis while connected (crashRecovery)
  // are what recovers.
  test('SIGKILL (a crash), one node after another: every client recovers elsewhere, every number exactly once', async () => {
    expectEveryNumberOnce(await restartWhileBroadcasting('SIGKILL'));
  }, 60_000);

  test('drain(io, { jitterMs }) then io.close(): clients leave spread over the jitter, and recover elsewhere exactly once', async () => {
    const outcome = await restartWhileBroadcasting('drain');
    expectEveryNumberOnce(outcome);
    for (const times of outcome.disconnectedAt) {
      // About a third of the clients per node, sent away over 1.5 s rather than all at once.
      expect(times.length).toBeGreaterThanOrEqual(5);
      expect(Math.max(...times) - Math.min(...times)).toBeGreaterThan(DRAIN_JITTER_MS / 3);
    }
  }, 60_000);
});
