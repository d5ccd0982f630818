/**
 * Test harness: real Redis, several Parley servers in this process (each with its own http
 * server on port 0 and its own Redis clients), official socket.io clients.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import { type AddressInfo, createServer as createNetServer, Socket as NetSocket } from 'node:net';
import { Server, type ServerOptions } from '@parley/server';
import { createClient } from '@redis/client';
import {
  type Socket as ClientSocket,
  io as connectClient,
  type ManagerOptions,
  type SocketOptions,
} from 'socket.io-client';
import { describeWith } from '../../server/test/support/needs.js';
import { until, waitFor } from '../../server/test/support/wait.js';
import { createAdapter, type RedisAdapter, type RedisAdapterOptions } from '../src/index.js';
import { onTeardown } from './teardown.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const START_HINT = 'redis-server --daemonize yes --port 6379 --save "" --appendonly no';

async function redisReachable(url: string): Promise<boolean> {
  const client = createClient({ url, socket: { connectTimeout: 2000, reconnectStrategy: false } });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch {
    return false;
  } finally {
    if (client.isOpen) client.destroy();
  }
}

function which(binary: string): boolean {
  try {
    execFileSync('which', [binary], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const redisUp = await redisReachable(REDIS_URL);
/** `describe` for tests that need the shared Redis (REDIS_URL, default 127.0.0.1:6379). */
export const describeWithRedis = describeWith({
  present: redisUp,
  what: `Redis at ${REDIS_URL}`,
  hint: `Start it with: ${START_HINT}`,
});
/** `describe` for tests that start their own throwaway redis-server. */
export const describeWithRedisServer = describeWith({
  present: which('redis-server'),
  what: 'the redis-server binary',
  hint: 'Install Redis (e.g. `apt-get install redis-server`).',
});

/** A key/channel prefix unique to this run, so parallel runs never see each other's messages. */
export function uniqueKey(): string {
  return `parley-test-${process.pid}-${randomBytes(4).toString('hex')}`;
}

export interface Node {
  io: Server;
  http: HttpServer;
  port: number;
  pub: RedisClient;
  sub: RedisClient;
  adapter(nsp?: string): RedisAdapter;
}

type RedisClient = ReturnType<typeof redisClient>;

export function redisClient(url = REDIS_URL) {
  // Fast, bounded reconnection: the restart tests wait for it.
  const client = createClient({
    url,
    RESP: process.env.REDIS_RESP === '2' ? 2 : 3,
    socket: { reconnectStrategy: (retries) => Math.min(50 + retries * 50, 300) },
  });
  client.on('error', () => {});
  return client;
}

export async function startNode(
  adapterOpts: RedisAdapterOptions,
  serverOpts: Partial<ServerOptions> = {},
  url = REDIS_URL,
): Promise<Node> {
  const pub = redisClient(url);
  const sub = pub.duplicate();
  sub.on('error', () => {});
  await Promise.all([pub.connect(), sub.connect()]);
  const http = createServer();
  const io = new Server(http, { ...serverOpts, adapter: createAdapter(pub, sub, adapterOpts) });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const node: Node = {
    io,
    http,
    port: (http.address() as AddressInfo).port,
    pub,
    sub,
    adapter: (nsp = '/') => io.of(nsp).adapter as unknown as RedisAdapter,
  };
  onTeardown(() => stopNode(node));
  await node.adapter().init();
  return node;
}

export async function stopNode(node: Node): Promise<void> {
  await node.io.close();
  for (const client of [node.pub, node.sub]) if (client.isOpen) client.destroy();
}

/** Kills a node without a goodbye: its Redis connections drop first, then its server. */
export async function killNode(node: Node): Promise<void> {
  node.pub.destroy();
  node.sub.destroy();
  await node.io.close();
}

/**
 * Starts `count` nodes, with `TEST_ADAPTER_OPTIONS` under `adapterOpts`, and waits until each one
 * knows all the others (for `nsps`).
 */
export async function startCluster(
  count: number,
  adapterOpts: RedisAdapterOptions,
  serverOpts: Partial<ServerOptions> = {},
  nsps: string[] = ['/'],
  url = REDIS_URL,
): Promise<Node[]> {
  const nodes: Node[] = [];
  for (let i = 0; i < count; i++)
    nodes.push(await startNode({ ...TEST_ADAPTER_OPTIONS, ...adapterOpts }, serverOpts, url));
  for (const nsp of nsps) await Promise.all(nodes.map((n) => n.adapter(nsp).init()));
  await waitForClusterSize(nodes, count, nsps);
  return nodes;
}

export async function waitForClusterSize(nodes: Node[], size: number, nsps: string[] = ['/']): Promise<void> {
  await until(
    async () => {
      for (const node of nodes) {
        for (const nsp of nsps) if ((await node.adapter(nsp).serverCount()) !== size) return false;
      }
      return true;
    },
    10_000,
    `every node to see ${size} nodes`,
  );
}

export const TEST_ADAPTER_OPTIONS: RedisAdapterOptions = {
  heartbeatInterval: 200,
  heartbeatTimeout: 4000,
  requestsTimeout: 3000,
};

/** Connects an official client (WebSocket only) and waits for its CONNECT. */
export async function connect(
  node: Pick<Node, 'port'>,
  nsp = '/',
  opts: Partial<ManagerOptions & SocketOptions> = {},
): Promise<ClientSocket> {
  const socket = connectClient(`http://127.0.0.1:${node.port}${nsp}`, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    ...opts,
  });
  onTeardown(() => socket.disconnect());
  if (!socket.connected) await waitFor(socket, 'connect');
  return socket;
}

/** Records every `event` a client receives. */
export function record(socket: ClientSocket, event: string): unknown[][] {
  const received: unknown[][] = [];
  socket.on(event, (...args: unknown[]) => received.push(args));
  return received;
}

/**
 * Proves a client got nothing more: a marker broadcast from `from` travels after everything
 * published before it (Redis keeps a publisher's order), so once every client has the marker,
 * anything not yet received will never arrive.
 */
export async function flush(from: Node, clients: ClientSocket[], nsp = '/'): Promise<void> {
  const marker = randomBytes(4).toString('hex');
  const arrived = clients.map(
    (client) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('flush marker did not arrive')), 8000);
        const listener = (value: string) => {
          if (value !== marker) return;
          clearTimeout(timer);
          client.off('__flush', listener);
          resolve();
        };
        client.on('__flush', listener);
      }),
  );
  from.io.of(nsp).emit('__flush', marker);
  await Promise.all(arrived);
}

/** Deletes every key with the prefix (streams and sessions of a recovery test). */
export async function deleteKeys(prefix: string, url = REDIS_URL): Promise<void> {
  const client = redisClient(url);
  await client.connect();
  try {
    const keys: string[] = [];
    for await (const batch of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) keys.push(...batch);
    if (keys.length > 0) await client.del(keys);
  } finally {
    client.destroy();
  }
}

/** A free TCP port (for a throwaway redis-server). */
export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A throwaway redis-server on `port` that a test may stop and start again. */
export class ThrowawayRedis {
  readonly port: number;
  #process: ChildProcess | undefined;

  constructor(port: number) {
    this.port = port;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
      { stdio: 'ignore' },
    );
    this.#process = child;
    await until(() => portOpen(this.port), 8000, `redis-server on port ${this.port}`);
  }

  /** Kills the server (SIGKILL: an outage, not a goodbye) and waits until it is gone. */
  async stop(): Promise<void> {
    const child = this.#process;
    this.#process = undefined;
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new NetSocket();
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.connect(port, '127.0.0.1');
  });
}
