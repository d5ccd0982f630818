/**
 * Test harness for the multi-node chat: starts chat nodes as child processes sharing a unique
 * Redis key prefix and a unique PostgreSQL schema, and removes both afterwards. A suite calls
 * `describeCluster()` to get its nodes, started before its tests and removed after them.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createClient } from '@redis/client';
import type { Socket as ClientSocket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe } from 'vitest';
import { bundle, ChatProcess, freePort, removeBundle } from './chat-process.js';
import { collect, Harness } from './helpers.js';
import { dropSchema, findServices, REDIS_URL } from './services.js';
import { skipLocally } from './skip-locally.js';

export interface ClusterSuiteOptions {
  /**
   * The name of the suite's own bundle of the chat node: another test file in the same worker
   * process may build and remove `main`.
   */
  bundle: string;
  /** How many nodes to start (and mesh) before the first test. */
  nodes: number;
  /** Each test's timeout (default 30 s). */
  timeout?: number;
  /** More settings for every node (e.g. a shared `UPLOAD_DIR`). */
  env?: Record<string, string>;
}

export interface ClusterSuite {
  /** The nodes started for the suite, in order; filled in before the first test. */
  readonly nodes: readonly ChatNode[];
  /** The cluster, to start or stop nodes during a test. */
  readonly cluster: Cluster;
  /** Clients and anything else a test opens, closed after each test. */
  readonly harness: Harness;
}

/** Redis and PostgreSQL for the cluster, found once per test file. */
const services = await findServices();

/**
 * Declares a suite against a cluster; without Redis or PostgreSQL it skips locally and fails in CI.
 * `body` declares the tests, as in a `describe`.
 */
export function describeCluster(name: string, options: ClusterSuiteOptions, body: (suite: ClusterSuite) => void): void {
  describe.skipIf(skipLocally(`"${name}"`, services.error))(name, { timeout: options.timeout ?? 30_000 }, () => {
    const nodes: ChatNode[] = [];
    const harness = new Harness();
    let entry: string | undefined;
    let cluster: Cluster | undefined;

    beforeAll(async () => {
      if (services.databaseUrl === undefined) throw new Error(`Unreachable: ${services.error}`);
      entry = await bundle(fileURLToPath(new URL('../src/main.ts', import.meta.url)), options.bundle);
      cluster = new Cluster(entry, services.databaseUrl, options.env);
      nodes.push(...(await cluster.startNodes(options.nodes)));
    }, 60_000);

    afterEach(() => harness.closeAll());

    afterAll(async () => {
      await cluster?.cleanUp();
      if (entry) removeBundle(entry);
    }, 30_000);

    body({
      nodes,
      harness,
      get cluster() {
        if (!cluster) throw new Error('the cluster is not started yet (use it from a test or a later hook)');
        return cluster;
      },
    });
  });
}

/**
 * Chat nodes sharing one Redis key prefix and one PostgreSQL schema, both unique to this run.
 * The heartbeat is short so that a killed node is noticed within about two seconds.
 */
export class Cluster {
  readonly #entry: string;
  readonly #databaseUrl: string;
  readonly #env: Record<string, string>;
  readonly key = `parley-chat-test-${process.pid}-${randomBytes(4).toString('hex')}`;
  readonly schema = `chat_cluster_${process.pid}_${randomBytes(4).toString('hex')}`;
  readonly nodes: ChatNode[] = [];

  constructor(entry: string, databaseUrl: string, env: Record<string, string> = {}) {
    this.#entry = entry;
    this.#databaseUrl = databaseUrl;
    this.#env = env;
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
      ...this.#env,
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
    await dropSchema(this.#databaseUrl, this.schema);
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
