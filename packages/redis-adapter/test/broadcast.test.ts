/** Broadcasts across three nodes, in each subscription mode. */
import type { Socket as ClientSocket } from 'socket.io-client';
import { afterEach, expect, test } from 'vitest';
import { until } from '../../server/test/support/wait.js';
import type { SubscriptionMode } from '../src/index.js';
import { connect, describeWithRedis, flush, type Node, record, startCluster, uniqueKey } from './helpers.js';
import { teardown } from './teardown.js';

afterEach(teardown);

interface Cluster {
  nodes: Node[];
  /** Two clients per node: a0, a1 on node 0, b0, b1 on node 1, c0, c1 on node 2. */
  clients: Record<string, ClientSocket>;
  /** Server-side socket ids by client name. */
  ids: Record<string, string>;
  received: Record<string, unknown[][]>;
}

async function startThreeNodes(mode: SubscriptionMode): Promise<Cluster> {
  const nodes = await startCluster(3, { key: uniqueKey(), subscriptionMode: mode });
  const clients: Record<string, ClientSocket> = {};
  const ids: Record<string, string> = {};
  const received: Record<string, unknown[][]> = {};
  for (const node of nodes) {
    // Clients pick their rooms through the handshake query.
    node.io.on('connection', (socket) => {
      const rooms = String(socket.handshake.query.rooms ?? '');
      for (const room of rooms.split(',').filter(Boolean)) socket.join(room);
    });
  }
  const layout: Array<[string, number, string]> = [
    ['a0', 0, 'red'],
    ['a1', 0, 'blue'],
    ['b0', 1, 'red,blue'],
    ['b1', 1, ''],
    ['c0', 2, 'blue'],
    ['c1', 2, 'green'],
  ];
  for (const [name, index, rooms] of layout) {
    const client = await connect(nodes[index], '/', { query: { rooms } });
    clients[name] = client;
    ids[name] = client.id!;
    received[name] = record(client, 'news');
  }
  // dynamic/sharded: room channels are subscribed asynchronously after the joins
  await until(async () => (await nodes[0].io.in('green').fetchSockets()).length === 1, 8000, 'room green visible');
  return { nodes, clients, ids, received };
}

function recipients(cluster: Cluster): string[] {
  return Object.entries(cluster.received)
    .filter(([, events]) => events.length > 0)
    .map(([name]) => name)
    .sort();
}

// The marker must come from the node that broadcast: Redis keeps one publisher's order only.
async function settle(cluster: Cluster, from: Node): Promise<void> {
  await flush(from, Object.values(cluster.clients));
}

for (const mode of ['static', 'dynamic', 'sharded'] as const) {
  describeWithRedis(`broadcasts (${mode} subscription mode)`, () => {
    test('io.emit reaches every client of every node, once', async () => {
      const cluster = await startThreeNodes(mode);
      cluster.nodes[1].io.emit('news', 'hello', 42);
      await settle(cluster, cluster.nodes[1]);
      expect(recipients(cluster)).toEqual(['a0', 'a1', 'b0', 'b1', 'c0', 'c1']);
      for (const events of Object.values(cluster.received)) expect(events).toEqual([['hello', 42]]);
    });

    test('to(room), to(several rooms), except and to(socket id) reach exactly their targets', async () => {
      const cluster = await startThreeNodes(mode);
      const [n0, n1, n2] = cluster.nodes;
      n0.io.to('blue').emit('news', 'blue');
      await settle(cluster, n0);
      expect(recipients(cluster)).toEqual(['a1', 'b0', 'c0']);
      for (const events of Object.values(cluster.received)) events.length = 0;

      n2.io.to(['red', 'green']).emit('news', 'red or green');
      await settle(cluster, n2);
      expect(recipients(cluster)).toEqual(['a0', 'b0', 'c1']);
      expect(cluster.received.b0).toEqual([['red or green']]);
      for (const events of Object.values(cluster.received)) events.length = 0;

      n1.io.to('blue').except('red').emit('news', 'blue but not red');
      await settle(cluster, n1);
      expect(recipients(cluster)).toEqual(['a1', 'c0']);
      for (const events of Object.values(cluster.received)) events.length = 0;

      n1.io.except(cluster.ids.c1).emit('news', 'all but c1');
      await settle(cluster, n1);
      expect(recipients(cluster)).toEqual(['a0', 'a1', 'b0', 'b1', 'c0']);
      for (const events of Object.values(cluster.received)) events.length = 0;

      n0.io.to(cluster.ids.c1).emit('news', 'just c1');
      await settle(cluster, n0);
      expect(recipients(cluster)).toEqual(['c1']);
    });

    test('a socket broadcasting to its room skips itself on every node', async () => {
      const cluster = await startThreeNodes(mode);
      const sender = cluster.nodes[1].io.of('/').sockets.get(cluster.ids.b0)!;
      sender.to('blue').emit('news', 'from b0');
      await settle(cluster, cluster.nodes[1]);
      expect(recipients(cluster)).toEqual(['a1', 'c0']);
    });

    test('local stays on the emitting node', async () => {
      const cluster = await startThreeNodes(mode);
      cluster.nodes[2].io.local.emit('news', 'local');
      cluster.nodes[2].io.local.to('blue').emit('news', 'local blue');
      await settle(cluster, cluster.nodes[2]);
      expect(recipients(cluster)).toEqual(['c0', 'c1']);
      expect(cluster.received.c0).toEqual([['local'], ['local blue']]);
    });

    test('binary payloads survive, nested anywhere', async () => {
      const cluster = await startThreeNodes(mode);
      cluster.nodes[0].io.emit('news', Buffer.from([1, 2, 3]), { nested: [Buffer.from('bytes'), 'text'] });
      await settle(cluster, cluster.nodes[0]);
      for (const name of ['b0', 'c1']) {
        const [[first, second]] = cluster.received[name] as [
          [ArrayBuffer | Buffer, { nested: [ArrayBuffer | Buffer, string] }],
        ];
        expect([...new Uint8Array(first as ArrayBuffer)]).toEqual([1, 2, 3]);
        expect(Buffer.from(second.nested[0] as ArrayBuffer).toString()).toBe('bytes');
        expect(second.nested[1]).toBe('text');
      }
    });
  });
}

describeWithRedis('namespaces', () => {
  test('each namespace is its own cluster: broadcasts and counts stay within it', async () => {
    const key = uniqueKey();
    const nodes = await startCluster(2, { key }, {}, ['/', '/admin']);
    const main = [await connect(nodes[0]), await connect(nodes[1])];
    const admin = [await connect(nodes[0], '/admin'), await connect(nodes[1], '/admin')];
    const mainNews = main.map((client) => record(client, 'news'));
    const adminNews = admin.map((client) => record(client, 'news'));
    nodes[0].io.of('/admin').emit('news', 'for admins');
    await flush(nodes[0], admin, '/admin');
    await flush(nodes[0], main);
    expect(adminNews).toEqual([[['for admins']], [['for admins']]]);
    expect(mainNews).toEqual([[], []]);
    expect((await nodes[1].io.of('/admin').fetchSockets()).map((s) => s.id).sort()).toEqual(
      admin.map((c) => c.id).sort(),
    );
  });
});

describeWithRedis('room channels', () => {
  test('dynamic mode: only nodes with members in a room listen on its channel', async () => {
    const key = uniqueKey();
    const nodes = await startCluster(3, { key, subscriptionMode: 'dynamic' });
    const subscribers = async (channel: string) => {
      const reply = (await nodes[0].pub.sendCommand(['PUBSUB', 'NUMSUB', channel])) as [string, number];
      return Number(reply[1]);
    };
    const lobby = `${key}#/#lobby#`;
    const clients = [await connect(nodes[0]), await connect(nodes[1]), await connect(nodes[2])];
    const sockets = clients.map((client, i) => nodes[i].io.of('/').sockets.get(client.id!)!);
    sockets[1].join('lobby');
    await until(async () => (await subscribers(lobby)) === 1, 8000, 'one node on the lobby channel');
    sockets[2].join('lobby');
    await until(async () => (await subscribers(lobby)) === 2, 8000, 'two nodes on the lobby channel');
    // the namespace channel has every node; socket-id rooms get no channel
    expect(await subscribers(`${key}#/#`)).toBe(3);
    expect(await subscribers(`${key}#/#${clients[0].id}#`)).toBe(0);

    const received = clients.map((client) => record(client, 'news'));
    nodes[0].io.to('lobby').emit('news', 'lobby');
    await flush(nodes[0], clients);
    expect(received.map((r) => r.length)).toEqual([0, 1, 1]);

    sockets[1].leave('lobby');
    await until(async () => (await subscribers(lobby)) === 1, 8000, 'node 1 left the lobby channel');
    clients[2].disconnect();
    await until(async () => (await subscribers(lobby)) === 0, 8000, 'nobody on the lobby channel');
  });
});
