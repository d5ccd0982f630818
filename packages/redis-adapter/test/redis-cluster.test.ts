/**
 * @parley/redis-adapter over a real three-shard Redis Cluster, with node-redis cluster clients
 * (`createCluster`): the adapter contract (broadcasts to rooms, binary, acknowledgements,
 * fetchSockets, serverSideEmit with ack, recovery) in sharded mode, plain pub/sub (static mode),
 * connection state recovery from one Parley server to another, and sessions routed without
 * sticky sessions (`routeSessions` on the cluster client).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type ServerOptions } from '@parley/server';
import { type Socket as ClientSocket, io as connectOfficial } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { adapterContract, type Cluster } from '../../server/test/adapters/contract.js';
import { until, waitFor } from '../../server/test/support/wait.js';
import {
  createAdapter,
  type RedisAdapter,
  type RedisAdapterOptions,
  type RedisSessionRouter,
  routeSessions,
} from '../src/index.js';
import { connect, describeWithRedisServer, record, TEST_ADAPTER_OPTIONS, uniqueKey } from './helpers.js';
import { ThrowawayRedisCluster } from './redis-cluster-server.js';
import { RequestBalancer } from './request-balancer.js';
import { onTeardown, teardown } from './teardown.js';

interface ClusterClientNode {
  io: Server;
  /** The node's publishing cluster client. */
  pub: Awaited<ReturnType<ThrowawayRedisCluster['client']>>;
  /** Drops both Redis Cluster connections at once, as a crash would (no goodbye, nothing stored). */
  cutRedis(): void;
  port: number;
  url: string;
  adapter(): RedisAdapter;
}

const redis = new ThrowawayRedisCluster();

async function startNode(adapterOpts: RedisAdapterOptions, serverOpts: Partial<ServerOptions>) {
  const pub = await redis.client();
  const sub = pub.duplicate();
  sub.on('error', () => {});
  await sub.connect();
  const http = createServer();
  const io = new Server(http, { ...serverOpts, adapter: createAdapter(pub, sub, adapterOpts) });
  onTeardown(async () => {
    await io.close();
    if (pub.isOpen) pub.destroy();
    if (sub.isOpen) sub.destroy();
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const port = (http.address() as AddressInfo).port;
  const node: ClusterClientNode = {
    io,
    pub,
    cutRedis: () => {
      pub.destroy();
      sub.destroy();
    },
    port,
    url: `http://127.0.0.1:${port}`,
    adapter: () => io.of('/').adapter as unknown as RedisAdapter,
  };
  await node.adapter().init();
  return node;
}

/** Two Parley servers over the Redis Cluster, each knowing the other. */
async function startNodes(adapterOpts: RedisAdapterOptions, serverOpts: Partial<ServerOptions> = {}) {
  const options = { ...TEST_ADAPTER_OPTIONS, key: uniqueKey(), ...adapterOpts };
  const nodes = [await startNode(options, serverOpts), await startNode(options, serverOpts)];
  await until(
    async () => (await Promise.all(nodes.map((node) => node.adapter().serverCount()))).every((n) => n === 2),
    10_000,
    'both servers to see each other',
  );
  return { nodes, key: options.key };
}

/** Closes the client's connection to `node` and waits until the server has seen it go. */
async function dropConnection(node: { io: Server }, client: ClientSocket, id: string): Promise<void> {
  const gone = waitFor(node.io.of('/').sockets.get(id)!, 'disconnect');
  client.io.engine.close();
  await gone;
}

/** Points the client at `node` and reconnects it there. */
async function reconnectTo(node: { url: string }, client: ClientSocket): Promise<void> {
  (client.io as unknown as { uri: string }).uri = node.url;
  client.connect();
  await waitFor(client, 'connect');
}

describeWithRedisServer('@parley/redis-adapter over a Redis Cluster (cluster clients)', () => {
  beforeAll(() => redis.start(3), 45_000);
  afterAll(() => redis.stop(), 15_000);

  describeWithRedisServer('the adapter contract, sharded subscriptions', () => {
    adapterContract({
      async start(opts): Promise<Cluster> {
        const { nodes } = await startNodes({ subscriptionMode: 'sharded' }, opts);
        return { nodes, close: teardown };
      },
      recovery: true,
    });
  });

  describeWithRedisServer('beyond the contract', () => {
    afterEach(teardown);

    test('plain pub/sub (static mode) broadcasts across shards, binary intact', async () => {
      const { nodes } = await startNodes({ subscriptionMode: 'static' });
      const clients = [await connect(nodes[0]), await connect(nodes[1])];
      const got = clients.map((client) => waitFor(client, 'news'));
      nodes[0].io.emit('news', 'hello', Buffer.from([1, 2]));
      for (const [text, bytes] of await Promise.all(got)) {
        expect(text).toBe('hello');
        expect([...new Uint8Array(bytes as ArrayBuffer)]).toEqual([1, 2]);
      }
      const sockets = await nodes[1].io.fetchSockets();
      expect(sockets.map((socket) => socket.id).sort()).toEqual(clients.map((client) => client.id).sort());
    });

    test('a client that drops from one server recovers on the other, with what it missed', async () => {
      const { nodes, key } = await startNodes(
        { subscriptionMode: 'sharded', crashRecovery: true },
        { connectionStateRecovery: { maxDisconnectionDuration: 10_000 } },
      );
      for (const node of nodes) {
        node.io.on('connection', (socket) => {
          if (!socket.recovered) socket.join('room1');
        });
      }
      const client = await connect(nodes[0]);
      const received = record(client, 'news');
      const id = client.id;
      nodes[1].io.emit('news', 'first');
      await until(() => received.length === 1, 8000, 'first broadcast');

      await dropConnection(nodes[0], client, id!);
      nodes[1].io.to('room1').emit('news', 'missed, to room1');
      nodes[0].io.to('elsewhere').emit('news', 'not for this client');

      await reconnectTo(nodes[1], client);
      expect(client.recovered).toBe(true);
      expect(client.id).toBe(id);
      await until(() => received.length === 2, 8000, 'missed broadcast');
      expect(received[1][0]).toBe('missed, to room1');
      const [restored] = await nodes[1].io.local.in('room1').fetchSockets();
      expect(restored.id).toBe(id);

      // Every recovery key of the namespace hashes to one slot.
      const probe = await redis.client();
      onTeardown(() => probe.destroy());
      const names = [`${key}-stream#{/}#`, `${key}-session#{/}#pid`, `${key}-live#{/}#node`, `${key}-live-nodes#{/}#`];
      const slots = await Promise.all(names.map((name) => probe.sendCommand(name, true, ['CLUSTER', 'KEYSLOT', name])));
      expect(new Set(slots).size).toBe(1);
    });
    test('crashRecovery: the client of a server that lost Redis without a goodbye recovers on the other', async () => {
      const { nodes, key } = await startNodes(
        { subscriptionMode: 'sharded', crashRecovery: true },
        { connectionStateRecovery: { maxDisconnectionDuration: 10_000 } },
      );
      for (const node of nodes) {
        node.io.on('connection', (socket) => {
          if (socket.recovered) return;
          socket.join('room1');
          socket.data = { name: 'alice' };
        });
      }
      const client = await connect(nodes[0]);
      const received = record(client, 'news');
      const id = client.id;
      nodes[1].io.emit('news', 'first');
      await until(() => received.length === 1, 8000, 'first broadcast');
      const probe = await redis.client();
      onTeardown(() => probe.destroy());
      const hash = `${key}-live#{/}#${nodes[0].adapter().uid}`;
      await until(async () => Number(await probe.hLen(hash)) === 1, 8000, 'live session written');

      // The server loses Redis, then its client: no disconnect record can be stored.
      const down = waitFor(nodes[0].adapter(), 'redis-down');
      nodes[0].cutRedis();
      await down; // the cluster client's `disconnect` is the adapter's `redis-down`
      await dropConnection(nodes[0], client, id!);
      nodes[1].io.to('room1').emit('news', 'missed');

      await reconnectTo(nodes[1], client);
      expect(client.recovered).toBe(true);
      expect(client.id).toBe(id);
      await until(() => received.length === 2, 8000, 'missed broadcast');
      expect(received[1][0]).toBe('missed');
      const [restored] = await nodes[1].io.local.in('room1').fetchSockets();
      expect(restored.data).toEqual({ name: 'alice' });
      expect(Number(await probe.hLen(hash))).toBe(0);
    });

    test('no sticky sessions: routeSessions on the cluster client, every request to the next node', async () => {
      const key = uniqueKey();
      const options = { ...TEST_ADAPTER_OPTIONS, key, subscriptionMode: 'sharded' as const };
      const nodes: ClusterClientNode[] = [];
      for (let i = 0; i < 3; i++) nodes.push(await startNode(options, { pingInterval: 2000 }));
      await until(
        async () => (await Promise.all(nodes.map((node) => node.adapter().serverCount()))).every((n) => n === 3),
        10_000,
        'the three servers to see each other',
      );
      for (const node of nodes) {
        node.io.on('connection', (socket) => {
          socket.join('members');
          socket.on('echo', (value: unknown, ack: (value: unknown) => void) => ack(value));
        });
      }
      const routers: RedisSessionRouter[] = [];
      for (const node of nodes) routers.push(await routeSessions(node.io, node.pub, { key, heartbeatInterval: 200 }));
      const balancer = new RequestBalancer(nodes.map((node) => node.port));
      const url = `http://127.0.0.1:${await balancer.listen()}`;
      onTeardown(() => balancer.close());

      for (const transports of [['polling'], ['polling', 'websocket']]) {
        const client = connectOfficial(url, { forceNew: true, reconnection: false, transports });
        onTeardown(() => client.disconnect());
        await waitFor(client, 'connect');
        if (transports.length === 2) {
          await until(() => client.io.engine.transport.name === 'websocket', 8000, 'the upgrade to WebSocket');
        }
        const owner = routers.findIndex((router) => client.io.engine.id.startsWith(`${router.tag}.`));
        expect(owner).toBeGreaterThanOrEqual(0);
        for (let i = 0; i < 3; i++) {
          await expect(client.timeout(5000).emitWithAck('echo', { i })).resolves.toEqual({ i });
          const news = waitFor(client, 'news');
          nodes[(owner + 1 + (i % 2)) % 3].io.to('members').emit('news', i);
          expect(await news).toEqual([i]);
        }
      }
      expect(new Set(balancer.routed)).toEqual(new Set([0, 1, 2]));
      const forwarded = routers.reduce((sum, r) => sum + r.stats.forwardedRequests + r.stats.forwardedUpgrades, 0);
      expect(forwarded).toBeGreaterThan(5);
      // Every node announced itself in the directory hash (one key, so one shard).
      const probe = await redis.client();
      onTeardown(() => probe.destroy());
      expect(Number(await probe.hLen(`${key}-route-nodes`))).toBe(3);
    }, 40_000);
  });
});
