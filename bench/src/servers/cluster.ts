/**
 * The cluster side of a server under test: its Redis clients and adapter, the official pair for
 * socket.io (`@socket.io/redis-adapter` with `redis` clients, its documented setup) and
 * `@parley/redis-adapter` (node-redis `@redis/client`) for Parley, plus the recovery options of
 * the run. Both adapters use Redis pub/sub with one channel per namespace, so every node
 * receives every broadcast.
 */
import type { ClusterSetup, RecoveryMode, ServerKind } from '../types.js';
import { CHAT_SERVER_OPTIONS, type ChatServer } from './chat-app.js';

export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** How a server process learns its part in a cluster, on its command line. */
export interface ClusterArgs extends ClusterSetup {
  /** Prefix of the run's channels and keys, so runs (and other users of Redis) never mix. */
  key: string;
}

export function clusterCommandLine(args: ClusterArgs): string[] {
  return ['--cluster-key', args.key, '--nodes', String(args.nodes), '--recovery', args.recovery];
}

export function parseClusterCommandLine(argv: string[]): ClusterArgs | undefined {
  const value = (flag: string) => {
    const at = argv.indexOf(flag);
    return at === -1 ? undefined : argv[at + 1];
  };
  const key = value('--cluster-key');
  if (key === undefined) return undefined;
  const nodes = Number(value('--nodes'));
  const recovery = value('--recovery') as RecoveryMode;
  if (!Number.isInteger(nodes) || nodes < 1) throw new Error(`--nodes must be a positive integer`);
  if (recovery !== 'off' && recovery !== 'state' && recovery !== 'crash') {
    throw new Error(`--recovery must be off, state or crash (got ${recovery})`);
  }
  return { key, nodes, recovery };
}

interface RedisClient {
  connect(): Promise<unknown>;
  duplicate(): RedisClient;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

type AdapterFactory = (pub: RedisClient, sub: RedisClient, options: Record<string, unknown>) => unknown;

/** What each server kind's adapter and Redis client come from; resolved at run time. */
const MODULES = {
  'socket.io': { adapter: '@socket.io/redis-adapter', client: 'redis' },
  parley: { adapter: '@parley/redis-adapter', client: '@redis/client' },
} as const;

/** A bound on connecting to Redis: the orchestrator checked it is there, so this is a hang guard. */
const REDIS_CONNECT_TIMEOUT_MS = 10_000;

async function importModule<T>(specifier: string): Promise<T> {
  return (await import(specifier)) as T;
}

/**
 * The server options of a cluster node. Throws for a setup the server kind cannot run
 * (socket.io's Redis adapter has no connection state recovery).
 */
export async function clusterServerOptions(kind: ServerKind, args: ClusterArgs): Promise<Record<string, unknown>> {
  if (kind === 'ws') throw new Error('the ws floor has no Redis adapter');
  if (kind === 'socket.io' && args.recovery !== 'off') {
    throw new Error('@socket.io/redis-adapter has no connection state recovery');
  }
  const modules = MODULES[kind];
  const { createClient } = await importModule<{ createClient(options: { url: string }): RedisClient }>(modules.client);
  const { createAdapter } = await importModule<{ createAdapter: AdapterFactory }>(modules.adapter);
  const pub = createClient({ url: REDIS_URL });
  const sub = pub.duplicate();
  for (const client of [pub, sub]) {
    client.on('error', (error) => console.error(`redis client: ${error.message}`));
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`cannot reach Redis at ${REDIS_URL}`)), REDIS_CONNECT_TIMEOUT_MS);
  });
  try {
    await Promise.race([Promise.all([pub.connect(), sub.connect()]), timeout]);
  } finally {
    clearTimeout(timer);
  }
  const adapterOptions: Record<string, unknown> = { key: args.key };
  if (kind === 'parley') adapterOptions.crashRecovery = args.recovery === 'crash';
  return {
    ...CHAT_SERVER_OPTIONS,
    adapter: createAdapter(pub, sub, adapterOptions),
    ...(args.recovery !== 'off' && { connectionStateRecovery: { maxDisconnectionDuration: 2 * 60 * 1000 } }),
  };
}

interface CountingAdapter {
  serverCount(): Promise<number>;
}

const CLUSTER_FORMED_TIMEOUT_MS = 15_000;
const CLUSTER_POLL_MS = 25;

/**
 * Resolves once this node counts every node of the cluster: its subscriptions are then in place
 * (socket.io counts subscribers of its request channel, Parley the nodes it heard from), so no
 * broadcast of the run can be missed by a node still subscribing.
 */
export async function waitForCluster(io: ChatServer, nodes: number): Promise<void> {
  const adapter = (io as unknown as { of(name: string): { adapter: CountingAdapter } }).of('/').adapter;
  const deadline = performance.now() + CLUSTER_FORMED_TIMEOUT_MS;
  let seen = 0;
  while (performance.now() < deadline) {
    seen = await adapter.serverCount();
    if (seen >= nodes) return;
    await new Promise((resolve) => setTimeout(resolve, CLUSTER_POLL_MS));
  }
  throw new Error(`only ${seen} of ${nodes} nodes joined the cluster within ${CLUSTER_FORMED_TIMEOUT_MS} ms`);
}
