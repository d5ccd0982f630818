/**
 * Test harness for the multi-node chat: finds Redis and PostgreSQL, starts chat nodes as child
 * processes sharing a unique Redis key prefix and a unique PostgreSQL schema, and removes both
 * afterwards.
 */
import { randomBytes } from 'node:crypto';
import { createClient } from '@redis/client';
import pg from 'pg';
import type { Socket as ClientSocket } from 'socket.io-client';
import { ChatProcess, freePort } from './chat-process.js';
import { collect } from './helpers.js';

export const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const DATABASE_URLS = process.env.TEST_DATABASE_URL
  ? [process.env.TEST_DATABASE_URL]
  : ['postgres://postgres@127.0.0.1:5432/test', 'postgres://root@127.0.0.1:5432/test'];

export const HOW_TO_START =
  'Start Redis on 127.0.0.1:6379 (`apt-get install -y redis-server && redis-server --daemonize yes`, or set REDIS_URL) ' +
  'and PostgreSQL on 127.0.0.1:5432 with a database "test" and trust authentication ' +
  '(`apt-get install -y postgresql && service postgresql start && su postgres -c "createdb test"`, or set TEST_DATABASE_URL).';

/** The services the cluster needs, or why they are missing. */
export async function findServices(): Promise<{ databaseUrl: string } | { error: string }> {
  const errors: string[] = [];
  const redisError = await pingRedis(REDIS_URL);
  if (redisError) errors.push(`Redis ${REDIS_URL}: ${redisError}`);
  let databaseUrl: string | undefined;
  for (const url of DATABASE_URLS) {
    const pgError = await pingPostgres(url);
    if (!pgError) {
      databaseUrl = url;
      break;
    }
    errors.push(`PostgreSQL ${url}: ${pgError}`);
  }
  return databaseUrl && !redisError ? { databaseUrl } : { error: errors.join('; ') };
}

async function pingRedis(url: string): Promise<string | undefined> {
  const client = createClient({ url, socket: { connectTimeout: 2000, reconnectStrategy: false } });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    if (client.isOpen) client.destroy();
  }
}

async function pingPostgres(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Chat nodes sharing one Redis key prefix and one PostgreSQL schema, both unique to this run.
 * The heartbeat is short so that a killed node is noticed within about two seconds.
 */
export class Cluster {
  readonly #entry: string;
  readonly #databaseUrl: string;
  readonly key = `parley-chat-test-${process.pid}-${randomBytes(4).toString('hex')}`;
  readonly schema = `chat_cluster_${process.pid}_${randomBytes(4).toString('hex')}`;
  readonly nodes: ChatNode[] = [];

  constructor(entry: string, databaseUrl: string) {
    this.#entry = entry;
    this.#databaseUrl = databaseUrl;
  }

  /** Starts a node and resolves once it listens and knows every other running node. */
  async startNode(): Promise<ChatNode> {
    const port = await freePort();
    const process = new ChatProcess(this.#entry, {
      PORT: String(port),
      HOST: '127.0.0.1',
      REDIS_URL,
      REDIS_KEY: this.key,
      DATABASE_URL: this.#databaseUrl,
      DATABASE_SCHEMA: this.schema,
      CLUSTER_HEARTBEAT_MS: '1000',
      DRAIN_MS: '500',
      CHAT_DB: '',
      // As behind a load balancer: tests give their clients distinct X-Forwarded-For addresses, so
      // they do not all share 127.0.0.1's request budgets.
      TRUST_PROXY: '1',
    });
    const node: ChatNode = { process, url: `http://127.0.0.1:${port}`, port };
    this.nodes.push(node);
    await process.start(20_000);
    return node;
  }

  /** Starts `count` nodes at once and waits until each has heard from all the others. */
  async startNodes(count: number): Promise<ChatNode[]> {
    const started = await Promise.all(Array.from({ length: count }, () => this.startNode()));
    await Promise.all(started.map((node) => this.meshed(node)));
    return started;
  }

  /**
   * Resolves once `node` has seen every other running node join. A node hears of another when it
   * receives its hello or heartbeat, and answers a hello at once, so both then know each other.
   */
  meshed(node: ChatNode): Promise<void> {
    const others = this.nodes.filter((n) => n !== node && n.process.running).length;
    return node.process.waitForOutput('cluster: node joined', others, 15_000);
  }

  /** Stops every running node (SIGTERM) and returns their exit codes. */
  async stopAll(): Promise<(number | null)[]> {
    return Promise.all(this.nodes.filter((node) => node.process.running).map((node) => node.process.stop()));
  }

  /** Drops the schema and deletes every Redis key under this run's prefix. */
  async cleanUp(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.process.kill()));
    const admin = new pg.Client({ connectionString: this.#databaseUrl });
    await admin.connect();
    try {
      await admin.query(`DROP SCHEMA IF EXISTS ${this.schema} CASCADE`);
    } finally {
      await admin.end();
    }
    const redis = createClient({ url: REDIS_URL });
    redis.on('error', () => {});
    await redis.connect();
    try {
      const keys: string[] = [];
      for await (const batch of redis.scanIterator({ MATCH: `${this.key}*`, COUNT: 500 })) keys.push(...batch);
      if (keys.length > 0) await redis.del(keys);
    } finally {
      redis.destroy();
    }
  }
}

export interface ChatNode {
  process: ChatProcess;
  url: string;
  port: number;
}

export interface PresenceEvent {
  room: string;
  users: string[];
}

/** Presence events for one room; `until(users)` waits for a list equal to `users`. */
export function presenceIn(socket: ClientSocket, room: string) {
  const events = collect<PresenceEvent>(socket, 'presence');
  return {
    get latest(): string[] | undefined {
      return events.items.filter((e) => e.room === room).at(-1)?.users;
    },
    until(users: string[], ms = 15_000): Promise<unknown> {
      const expected = JSON.stringify(users);
      return events.until((items) => {
        const last = items.filter((e) => e.room === room).at(-1);
        return last !== undefined && JSON.stringify(last.users) === expected;
      }, ms);
    },
  };
}
