/**
 * The adapters under test and the services they need: Redis at 127.0.0.1:6379 and PostgreSQL at
 * 127.0.0.1:5432 (database `test`). Every cluster gets its own key prefix / channel / stream, so
 * parallel test files never see each other's messages.
 */
import { randomBytes } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import { createAdapter as createPostgresAdapter } from '@socket.io/postgres-adapter';
import { createAdapter as createRedisAdapter } from '@socket.io/redis-adapter';
import { createAdapter as createStreamsAdapter } from '@socket.io/redis-streams-adapter';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createClient } from 'redis';
import { Server as SocketIoServer } from 'socket.io';
import { type AdapterConstructor, Server, type ServerOptions } from '../../src/index.js';
import type { Need } from '../support/needs.js';
import { type AnyServer, type Cluster, type ClusterNode, listen } from './contract.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DATABASE_URLS = process.env.TEST_DATABASE_URL
  ? [process.env.TEST_DATABASE_URL]
  : ['postgres://postgres@127.0.0.1:5432/test', 'postgres://root@127.0.0.1:5432/test'];

export function uniqueKey(): string {
  return `parley-adapters-${process.pid}-${randomBytes(4).toString('hex')}`;
}

export type Flavour = 'parley' | 'socket.io';

/** A Parley server, or (for the mixed clusters) the official socket.io server. */
export function makeServer(flavour: Flavour, http: HttpServer, opts: Partial<ServerOptions>): AnyServer {
  if (flavour === 'parley') return new Server(http, opts);
  return new SocketIoServer(http, opts as ConstructorParameters<typeof SocketIoServer>[1]) as unknown as AnyServer;
}

async function closeNodes(nodes: ClusterNode[]): Promise<void> {
  await Promise.all(nodes.map(({ io }) => io.close()));
}

/** `flavours.length` servers sharing one @socket.io/redis-adapter cluster (ioredis clients). */
export async function redisAdapterCluster(
  flavours: Flavour[],
  opts: Partial<ServerOptions>,
  adapterOpts: Record<string, unknown> = {},
): Promise<Cluster> {
  const key = uniqueKey();
  const redisClients: Redis[] = [];
  const nodes: ClusterNode[] = [];
  for (const flavour of flavours) {
    const pub = new Redis(REDIS_URL);
    const sub = pub.duplicate();
    redisClients.push(pub, sub);
    const adapter = createRedisAdapter(pub, sub, { key, requestsTimeout: 5000, ...adapterOpts });
    nodes.push(await listen((http) => makeServer(flavour, http, { ...opts, adapter })));
  }
  return {
    nodes,
    async close() {
      await closeNodes(nodes);
      await Promise.all(redisClients.map((client) => client.quit()));
    },
  };
}

/** Two servers (Parley unless told) sharing a @socket.io/redis-streams-adapter cluster (node-redis 4 clients). */
export async function streamsAdapterCluster(
  opts: Partial<ServerOptions>,
  flavour: Flavour = 'parley',
  adapterOpts: Record<string, unknown> = {},
): Promise<Cluster> {
  const key = uniqueKey();
  const redisClients: ReturnType<typeof createClient>[] = [];
  const nodes: ClusterNode[] = [];
  for (let i = 0; i < 2; i++) {
    const client = createClient({ url: REDIS_URL });
    await client.connect();
    redisClients.push(client);
    const adapter = createStreamsAdapter(client, {
      streamName: `${key}-stream`,
      channelPrefix: key,
      sessionKeyPrefix: `${key}:session:`,
      // Bounds how long a stream reader keeps its connection after the adapter closes.
      blockTimeInMs: 300,
      ...adapterOpts,
    });
    // Set after construction, the other documented form (`io.adapter(createAdapter(client))`).
    nodes.push(await listen((http) => makeServer(flavour, http, opts).adapter(adapter)));
  }
  return {
    nodes,
    async close() {
      await closeNodes(nodes);
      await redisClients[0].del(`${key}-stream`);
      await Promise.all(redisClients.map((client) => client.quit()));
    },
  };
}

let databaseUrl: Promise<string | undefined> | undefined;

/** The first PostgreSQL URL that answers, with the attachments table the adapter writes to. */
export function findDatabase(): Promise<string | undefined> {
  databaseUrl ??= (async () => {
    for (const url of DATABASE_URLS) {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
      client.on('error', () => {});
      try {
        await client.connect();
        await client.query(
          'CREATE TABLE IF NOT EXISTS parley_adapter_attachments (id bigserial UNIQUE, created_at timestamptz DEFAULT NOW(), payload bytea)',
        );
        return url;
      } catch {
        // try the next candidate
      } finally {
        await client.end().catch(() => {});
      }
    }
    return undefined;
  })();
  return databaseUrl;
}

/** PostgreSQL for the adapter suites (see support/needs.ts), with the URL that answered. */
export async function postgresNeed(): Promise<Need & { url: string | undefined }> {
  const url = await findDatabase();
  return {
    present: url !== undefined,
    url,
    what: 'PostgreSQL at 127.0.0.1:5432 (database test)',
    hint: 'Start it with: pg_ctlcluster <version> main start',
  };
}

/** Redis at REDIS_URL for the adapter suites (see support/needs.ts). */
export async function redisNeed(): Promise<Need> {
  const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => {});
  let present = false;
  try {
    await client.connect();
    await client.ping();
    present = true;
  } catch {
    // absent: the suites using it skip, or fail under CI
  } finally {
    client.disconnect();
  }
  return { present, what: `Redis at ${REDIS_URL}`, hint: 'Start it with: redis-server --daemonize yes' };
}

/** Two servers (Parley unless told) sharing a @socket.io/postgres-adapter cluster (one pg pool each). */
export async function postgresAdapterCluster(
  url: string,
  opts: Partial<ServerOptions>,
  flavour: Flavour = 'parley',
  adapterOpts: Record<string, unknown> = {},
): Promise<Cluster> {
  const channelPrefix = uniqueKey();
  const pools: pg.Pool[] = [];
  const nodes: ClusterNode[] = [];
  for (let i = 0; i < 2; i++) {
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    pool.on('error', () => {});
    pools.push(pool);
    const adapter = createPostgresAdapter(pool, {
      channelPrefix,
      tableName: 'parley_adapter_attachments',
      heartbeatInterval: 500,
      heartbeatTimeout: 5000,
      ...adapterOpts,
    });
    nodes.push(await listen((http) => makeServer(flavour, http, { ...opts, adapter })));
  }
  return {
    nodes,
    async close() {
      await closeNodes(nodes);
      await Promise.all(pools.map((pool) => pool.end()));
    },
  };
}

/** One server with the adapter class `adapter` (the in-memory adapters). */
export async function singleNode(
  adapter: AdapterConstructor | undefined,
  opts: Partial<ServerOptions>,
): Promise<Cluster> {
  const node = await listen((http) => makeServer('parley', http, adapter ? { ...opts, adapter } : opts));
  return { nodes: [node], close: () => closeNodes([node]) };
}
