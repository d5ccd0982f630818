/**
 * No sticky sessions: three nodes behind a round-robin balancer that sends every HTTP request
 * and every upgrade to the next node. Sessions are routed to their owner over the node link
 * (`routeSessions`), so official clients connect, upgrade, get acks and broadcasts whatever
 * node each of their requests lands on.
 */
import { request } from 'node:http';
import { io as parleyClient } from '@parley/client';
import type { ServerOptions, Socket as ServerSocket } from '@parley/server';
import { type Socket as ClientSocket, io as connectClient, type ManagerOptions } from 'socket.io-client';
import { afterEach, describe, expect, test } from 'vitest';
import { until, waitFor } from '../../server/test/support/wait.js';
import { type RedisSessionRouter, routeSessions } from '../src/index.js';
import { deleteKeys, describeWithRedis, type Node, redisClient, startCluster, uniqueKey } from './helpers.js';
import { RequestBalancer } from './request-balancer.js';
import { onTeardown, teardown } from './teardown.js';

afterEach(teardown);

interface Cluster {
  key: string;
  nodes: Node[];
  routers: RedisSessionRouter[];
  balancer: RequestBalancer;
  url: string;
}

async function startRoutedCluster(serverOpts: Partial<ServerOptions> = {}, heartbeatInterval = 200): Promise<Cluster> {
  const key = uniqueKey();
  onTeardown(() => deleteKeys(key));
  const nodes = await startCluster(3, { key }, { pingInterval: 2000, ...serverOpts });
  for (const node of nodes) {
    node.io.on('connection', (socket: ServerSocket) => {
      socket.join('members');
      socket.on('echo', (value: unknown, ack: (value: unknown) => void) => ack(value));
    });
  }
  const routers: RedisSessionRouter[] = [];
  for (const node of nodes) routers.push(await routeSessions(node.io, node.pub, { key, heartbeatInterval }));
  const balancer = new RequestBalancer(nodes.map((node) => node.port));
  const port = await balancer.listen();
  onTeardown(() => balancer.close());
  return { key, nodes, routers, balancer, url: `http://127.0.0.1:${port}` };
}

function connectOfficial(cluster: Cluster, opts: Partial<ManagerOptions> = {}): ClientSocket {
  const client = connectClient(cluster.url, { forceNew: true, reconnection: false, ...opts });
  onTeardown(() => client.disconnect());
  return client;
}

/** The index of the node that owns a session, from the tag in its id. */
function ownerOf(cluster: Cluster, sid: string): number {
  return cluster.routers.findIndex((router) => sid.startsWith(`${router.tag}.`));
}

/** Acks, a broadcast from a node that is not the owner, and a room emit from another one. */
async function expectFullService(cluster: Cluster, client: ClientSocket, owner: number): Promise<void> {
  await expect(client.timeout(5000).emitWithAck('echo', { n: 1 })).resolves.toEqual({ n: 1 });
  const others = [0, 1, 2].filter((i) => i !== owner);
  const news = waitFor(client, 'news');
  cluster.nodes[others[0]].io.emit('news', 'from another node');
  expect(await news).toEqual(['from another node']);
  const roomed = waitFor(client, 'roomed');
  cluster.nodes[others[1]].io.to('members').emit('roomed', 42);
  expect(await roomed).toEqual([42]);
}

function forwardedRequests(cluster: Cluster): number {
  return cluster.routers.reduce((sum, router) => sum + router.stats.forwardedRequests, 0);
}

/** One raw HTTP request to a node; resolves with status, headers and body. */
function rawRequest(
  port: number,
  method: string,
  path: string,
  body?: string | string[],
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
      );
      res.on('error', reject);
    });
    req.setTimeout(5000, () => req.destroy(new Error('request timed out')));
    req.on('error', (error: NodeJS.ErrnoException) => {
      // A node refusing an oversized body may close before reading it all: its answer counts.
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
    });
    for (const chunk of Array.isArray(body) ? body : body === undefined ? [] : [body]) req.write(chunk);
    req.end();
  });
}

const PATH = '/socket.io/?EIO=4&transport=polling';

/** An Engine.IO session opened directly on node `port`; returns its id. */
async function openSession(port: number): Promise<string> {
  const answer = await rawRequest(port, 'GET', PATH);
  expect(answer.status).toBe(200);
  return (JSON.parse(answer.body.slice(1)) as { sid: string }).sid;
}

describeWithRedis('no sticky sessions: every request to the next node', () => {
  test('official client with its defaults: connects, upgrades, acks, broadcasts, rooms', async () => {
    const cluster = await startRoutedCluster();
    const client = connectOfficial(cluster);
    await waitFor(client, 'connect');
    await until(() => client.io.engine.transport.name === 'websocket', 8000, 'the upgrade to WebSocket');
    const owner = ownerOf(cluster, client.io.engine.id);
    expect(owner).toBeGreaterThanOrEqual(0);
    // The probe, the polls around it and the upgrade landed on the other nodes too.
    expect(cluster.routers.reduce((sum, router) => sum + router.stats.forwardedUpgrades, 0)).toBeGreaterThan(0);
    await expectFullService(cluster, client, owner);
  }, 30_000);

  test('official client, polling only: many requests over every node, all served', async () => {
    const cluster = await startRoutedCluster();
    const client = connectOfficial(cluster, { transports: ['polling'] });
    await waitFor(client, 'connect');
    const owner = ownerOf(cluster, client.io.engine.id);
    for (let i = 0; i < 10; i++) await expectFullService(cluster, client, owner);
    expect(client.io.engine.transport.name).toBe('polling');
    expect(new Set(cluster.balancer.routed)).toEqual(new Set([0, 1, 2]));
    expect(forwardedRequests(cluster)).toBeGreaterThan(20);
    expect(client.connected).toBe(true);
  }, 30_000);

  test('official client, WebSocket only', async () => {
    const cluster = await startRoutedCluster();
    const client = connectOfficial(cluster, { transports: ['websocket'] });
    await waitFor(client, 'connect');
    await expectFullService(cluster, client, ownerOf(cluster, client.io.engine.id));
  }, 30_000);

  test("Parley's client over SSE: the stream stays on the owner, every POST is routed", async () => {
    const cluster = await startRoutedCluster();
    const client = parleyClient(cluster.url, { transports: ['sse'], forceNew: true, reconnection: false });
    onTeardown(() => client.disconnect());
    await waitFor(client, 'connect');
    const owner = ownerOf(cluster, client.io.engine?.id as string);
    expect(owner).toBeGreaterThanOrEqual(0);
    for (let i = 0; i < 4; i++) {
      await expect(client.timeout(5000).emitWithAck('echo', i)).resolves.toBe(i);
    }
    const news = waitFor(client, 'news');
    cluster.nodes[(owner + 1) % 3].io.emit('news', 'sse');
    expect(await news).toEqual(['sse']);
    expect(forwardedRequests(cluster)).toBeGreaterThan(0);
  }, 30_000);

  test('owner down: the client is disconnected and reconnects to a live node', async () => {
    const cluster = await startRoutedCluster();
    const client = connectOfficial(cluster, {
      transports: ['polling'],
      reconnection: true,
      reconnectionDelay: 100,
      reconnectionDelayMax: 200,
    });
    await waitFor(client, 'connect');
    const owner = ownerOf(cluster, client.io.engine.id);
    const disconnected = waitFor(client, 'disconnect', 10_000);
    // The owner's process is gone as far as the network can tell: nothing listens, every
    // connection drops, no close packet is sent.
    const dead = cluster.nodes[owner].http;
    dead.close();
    dead.closeAllConnections();
    await disconnected;
    await waitFor(client, 'connect', 10_000);
    const newOwner = ownerOf(cluster, client.io.engine.id);
    expect(newOwner).not.toBe(owner);
    expect(newOwner).toBeGreaterThanOrEqual(0);
    await expect(client.timeout(5000).emitWithAck('echo', 'again')).resolves.toBe('again');
  }, 30_000);

  test('a forwarded mark forged by a client is not trusted; the real one stops forwarding', async () => {
    const cluster = await startRoutedCluster();
    const seen: Array<string | undefined> = [];
    cluster.nodes[0].io.engine.use((req, _res, next) => {
      if (req.method === 'POST') seen.push(req.headers['x-forwarded-for'] as string | undefined);
      next();
    });
    const sid = await openSession(cluster.nodes[0].port);
    const other = cluster.nodes[1].port;
    const forged = { 'x-parley-forwarded': 'not-the-secret', 'x-forwarded-for': '203.0.113.9' };
    const post = await rawRequest(other, 'POST', `${PATH}&sid=${sid}`, '40', forged);
    // Routed as any request (the forged mark is ignored), and answered by the owner.
    expect(post).toMatchObject({ status: 200, body: 'ok' });
    const poll = await rawRequest(other, 'GET', `${PATH}&sid=${sid}`, undefined, forged);
    expect(poll.status).toBe(200);
    expect(poll.body).toMatch(/^40\{"sid":/);
    // The client's own X-Forwarded-For is kept, followed by the address the node saw.
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(/^203\.0\.113\.9, (::ffff:)?127\.0\.0\.1$/);
    // With the cluster's secret the request counts as forwarded already: not forwarded again.
    const redis = redisClient();
    await redis.connect();
    const secret = String(await redis.get(`${cluster.key}-route-secret`));
    redis.destroy();
    const marked = await rawRequest(other, 'POST', `${PATH}&sid=${sid}`, '42["x"]', { 'x-parley-forwarded': secret });
    expect(marked).toMatchObject({ status: 400, body: '{"code":1,"message":"Session ID unknown"}' });
    expect(JSON.stringify(poll.headers)).not.toContain(secret);
  }, 30_000);

  test("the owner's CORS headers come back once, through any node", async () => {
    const cluster = await startRoutedCluster({ cors: { origin: 'http://app.example', credentials: true } });
    const sid = await openSession(cluster.nodes[0].port);
    const origin = { origin: 'http://app.example' };
    const preflight = await rawRequest(cluster.nodes[1].port, 'OPTIONS', `${PATH}&sid=${sid}`, undefined, {
      ...origin,
      'access-control-request-method': 'POST',
    });
    expect(preflight.status).toBe(204);
    const post = await rawRequest(cluster.nodes[2].port, 'POST', `${PATH}&sid=${sid}`, '40', origin);
    expect(post).toMatchObject({ status: 200, body: 'ok' });
    expect(post.headers['access-control-allow-origin']).toBe('http://app.example');
    expect(post.headers['access-control-allow-credentials']).toBe('true');
  }, 30_000);

  test('made-up session ids: the normal 400, and Redis re-reads stay rare', async () => {
    // Heartbeats far apart: every command counted is one a request caused.
    const cluster = await startRoutedCluster({}, 60_000);
    const router = cluster.routers[1];
    const before = router.stats;
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        rawRequest(cluster.nodes[1].port, 'GET', `${PATH}&sid=${`tag${i}`.padEnd(8, 'x')}.${'r'.repeat(20)}`),
      ),
    );
    for (const answer of answers) {
      expect(answer).toMatchObject({ status: 400, body: '{"code":1,"message":"Session ID unknown"}' });
    }
    const after = router.stats;
    expect(after.unroutable - before.unroutable).toBe(40);
    // One directory re-read (an HGETALL) answered all of them.
    expect(after.redisCommands - before.redisCommands).toBe(1);
  }, 30_000);

  describe("bad bodies through a node that is not the owner get the owner's answer", () => {
    /** Sends `body` to a session directly and to another one through a non-owner; returns both ids. */
    async function compare(
      body: string | string[],
      headers: Record<string, string> = {},
    ): Promise<[string, Cluster, number]> {
      const cluster = await startRoutedCluster({ maxHttpBufferSize: 1000 });
      const [owner, other] = [cluster.nodes[0].port, cluster.nodes[2].port];
      const [direct, routed] = [await openSession(owner), await openSession(owner)];
      const fromOwner = await rawRequest(owner, 'POST', `${PATH}&sid=${direct}`, body, headers);
      const fromOther = await rawRequest(other, 'POST', `${PATH}&sid=${routed}`, body, headers);
      expect(fromOther.status).toBe(fromOwner.status);
      expect(fromOther.body).toBe(fromOwner.body);
      // Every node is still up and serving.
      for (const node of cluster.nodes) await openSession(node.port);
      return [routed, cluster, fromOther.status];
    }

    test("malformed payload (the session closes; later requests get the owner's 400)", async () => {
      const [sid, cluster] = await compare('9\u001e\u001exyz');
      const after = await rawRequest(cluster.nodes[1].port, 'GET', `${PATH}&sid=${sid}`);
      expect(after).toMatchObject({ status: 400, body: '{"code":1,"message":"Session ID unknown"}' });
    }, 30_000);
    test('oversized body with a Content-Length', async () => {
      expect((await compare('4'.repeat(5000)))[2]).toBe(413);
    }, 30_000);
    test('oversized chunked body', async () => {
      expect((await compare(Array.from({ length: 10 }, () => '4'.repeat(600))))[2]).toBe(413);
    }, 30_000);
  });
});
