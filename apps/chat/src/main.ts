/**
 * `npm start`: the chat on http://localhost:3000 (PORT, HOST, CHAT_DB, DATABASE_URL, REDIS_URL...
 * override; see config.ts). With REDIS_URL and DATABASE_URL it runs as one node of a cluster.
 */
import { drain } from '@parley/redis-adapter';
import { startChatServer } from './app.js';
import { redact } from './cluster.js';
import { type ChatConfig, readConfig } from './config.js';
import type { RealtimeServer } from './realtime.js';
import { createStore } from './store/index.js';

/** How long a drain waits, after its spread, for clients that do not answer. */
const DRAIN_GRACE_MS = 5000;

async function main(): Promise<void> {
  const config = readConfig();
  console.log(`Parley chat: ${describeMode(config)}`);
  const store = createStore(config);
  const cluster = config.redisUrl
    ? {
        redisUrl: config.redisUrl,
        key: config.redisKey,
        heartbeatMs: config.heartbeatMs,
        advertiseUrl: config.advertiseUrl,
      }
    : undefined;
  const server = await startChatServer({
    store,
    port: config.port,
    host: config.host,
    cluster,
    onRealtimeServer: cluster ? reportClusterEvents : undefined,
    allowedOrigins: config.allowedOrigins,
    trustProxy: config.trustProxy,
    requireAccount: config.requireAccount,
    metricsToken: config.metricsToken,
    heartbeat: config.heartbeat,
    awayAfterMs: config.awayAfterMs,
    uploads: { maxBytes: config.uploadMaxBytes, dir: config.uploadDir },
  });
  const storage = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `SQLite ${config.sqliteFile}`;
  console.log(`Parley chat is running at ${server.url}  (storage: ${storage})`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    // A cluster node leaving for a deploy first sends its clients to the other nodes, spread over
    // DRAIN_MS; their sessions stay recoverable there. A single node has nowhere to send them.
    const draining = cluster !== undefined && signal === 'SIGTERM' && config.drainMs > 0;
    console.log(`\n${signal} received, ${draining ? 'draining' : 'closing'} the chat...`);
    // Bounded: a stuck client must not keep the process alive forever.
    setTimeout(() => process.exit(1), (draining ? config.drainMs + 10_000 : 0) + 5000).unref();
    // A client that vanished without a goodbye (its close lost on the way) never answers the
    // drain's close; past the spread plus a few seconds it is not waited for.
    const drained = draining
      ? drain(server.io, { jitterMs: config.drainMs, timeoutMs: config.drainMs + DRAIN_GRACE_MS })
      : Promise.resolve();
    drained
      .then(() => server.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          console.error(err);
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

function describeMode(config: ChatConfig): string {
  if (config.redisUrl && config.databaseUrl) {
    const schema = config.databaseSchema ? `, schema ${config.databaseSchema}` : '';
    return (
      `cluster node — Redis ${redact(config.redisUrl)} (key prefix "${config.redisKey}") + ` +
      `PostgreSQL ${redact(config.databaseUrl)}${schema}`
    );
  }
  if (config.databaseUrl) return `single node — PostgreSQL ${redact(config.databaseUrl)} (set REDIS_URL to add nodes)`;
  return `single node — SQLite ${config.sqliteFile} (set DATABASE_URL and REDIS_URL to run several nodes)`;
}

/** Outages and cluster changes in the log: the first place to look when nodes disagree. */
function reportClusterEvents(io: RealtimeServer): void {
  const adapter = io.of('/').adapter;
  const uid = (adapter as { uid?: unknown }).uid;
  if (typeof uid === 'string') console.log(`cluster: this node is ${uid}`);
  adapter.on('redis-down', (err?: Error) => console.warn(`Redis connection lost${err ? `: ${err.message}` : ''}`));
  adapter.on('redis-up', () => console.log('Redis connection restored'));
  adapter.on('node-up', (node: string) => console.log(`cluster: node joined: ${node}`));
  adapter.on('node-down', (node: string) => console.log(`cluster: node left: ${node}`));
  adapter.on('cluster-error', (err: Error) => console.warn(`cluster: ${err.message}`));
}

main().catch((err: unknown) => {
  console.error(`Parley chat could not start: ${err instanceof Error ? err.message : String(err)}`);
  if (err instanceof Error && err.cause) console.error(err.cause);
  process.exit(1);
});
