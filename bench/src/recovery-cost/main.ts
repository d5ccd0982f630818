/**
 * What connection state recovery and crash recovery cost in Redis, per operation:
 * `node bench/dist/recovery-cost/main.js [--clients N] [--broadcasts N] [--out DIR]`
 * (or `npm run recovery-cost -w @parley/bench`).
 *
 * One Parley server with @parley/redis-adapter, run without recovery, with
 * `connectionStateRecovery`, and with `crashRecovery` on top, against Redis at 127.0.0.1:6379 (BENCH_REDIS_URL). Official
 * socket.io-client clients (WebSocket only) connect one at a time, each joins a room, leaves it,
 * the server broadcasts, the clients' connections drop (heartbeats far apart meanwhile); then a
 * second server idles through a few heartbeats. The commands (and request bytes) the server's Redis clients send in each phase are
 * counted from Redis's MONITOR feed, filtered by the clients' addresses, so other users of the
 * same Redis do not count. Operations are done one at a time: the adapter coalesces the writes
 * of one event-loop turn, so these are the figures without any such batching (the worst case).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { RESULTS_DIR } from '../paths.js';
import { deleteKeys, probeRedis } from '../redis-service.js';
import { REDIS_URL } from '../servers/cluster.js';
import { CommandMonitor, type CommandTally } from './monitor.js';
import { renderCostMarkdown } from './report.js';
import { type CostClient, type CostServer, startCostServer } from './server.js';

/** `off`: no recovery (the adapter's own traffic, for reference); `state` and `crash` as the cluster bench. */
export type CostConfig = 'off' | 'state' | 'crash';

export const COST_CONFIGS: readonly CostConfig[] = ['off', 'state', 'crash'];

export const PHASES = ['connect', 'join', 'leave', 'broadcast', 'drop', 'heartbeat'] as const;
export type Phase = (typeof PHASES)[number];

export interface PhaseCost {
  /** How many operations the phase did (clients, broadcasts, heartbeats). */
  operations: number;
  tally: CommandTally;
}

export interface CostResult {
  config: CostConfig;
  phases: Record<Phase, PhaseCost>;
  /** MEMORY USAGE of the live-session hash per connected client (crash recovery), bytes. */
  liveHashBytesPerClient: number | null;
}

export interface CostRun {
  startedAt: string;
  redisUrl: string;
  clients: number;
  broadcasts: number;
  heartbeatIntervalMs: number;
  results: CostResult[];
}

/** Heartbeats of the operation phases: none fall inside them, so they count operations only. */
const QUIET_HEARTBEAT_MS = 600_000;
/** Heartbeats of the heartbeat phase (a server of its own), and how many to wait for. */
const HEARTBEAT_INTERVAL_MS = 500;
const HEARTBEATS = 4;
/** Clients connected while heartbeats are counted (crash recovery refreshes their hash). */
const HEARTBEAT_CLIENTS = 5;
/** Lets the adapter's end-of-turn batch leave before the phase's marker. */
const SETTLE_MS = 50;

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Session {
  server: CostServer;
  monitor: CommandMonitor;
  /** Counts since the last cut, once the adapter's batch of this turn has left. */
  cut(): Promise<CommandTally>;
  close(): Promise<void>;
}

async function openSession(config: CostConfig, key: string, heartbeatIntervalMs: number): Promise<Session> {
  const server: CostServer = await startCostServer({ key, recovery: config, heartbeatIntervalMs });
  const url = new URL(REDIS_URL);
  const monitor = await CommandMonitor.open(url.hostname, Number(url.port || 6379));
  for (const addr of await server.redisAddresses()) monitor.watch(addr);
  let markers = 0;
  const cut = async () => {
    await delay(SETTLE_MS);
    const marker = `${key}-mark-${++markers}`;
    return monitor.cut(marker, () => server.echo(marker));
  };
  // Opens the feed: whatever was sent before the first marker (start-up) belongs to no phase.
  await cut();
  return {
    server,
    monitor,
    cut,
    async close() {
      monitor.close();
      await server.close();
      await deleteKeys(key).catch(() => 0);
    },
  };
}

async function measureOperations(
  config: CostConfig,
  clients: number,
  broadcasts: number,
  key: string,
): Promise<Omit<CostResult, 'config'>> {
  const session = await openSession(config, key, QUIET_HEARTBEAT_MS);
  const { server, cut } = session;
  const connected: CostClient[] = [];
  try {
    const phases = {} as Record<Phase, PhaseCost>;
    for (let i = 0; i < clients; i++) connected.push(await server.connectClient());
    phases.connect = { operations: clients, tally: await cut() };
    let liveHashBytesPerClient: number | null = null;
    if (config === 'crash') {
      const bytes = await server.liveHashBytes();
      liveHashBytesPerClient = bytes === null ? null : bytes / clients;
    }
    for (const [index, client] of connected.entries()) await client.request('join', `room-${index}`);
    phases.join = { operations: clients, tally: await cut() };
    for (const [index, client] of connected.entries()) await client.request('leave', `room-${index}`);
    phases.leave = { operations: clients, tally: await cut() };
    for (let i = 0; i < broadcasts; i++) await server.broadcastToAll(connected, i);
    phases.broadcast = { operations: broadcasts, tally: await cut() };
    for (const client of connected.splice(0)) await server.dropClient(client);
    phases.drop = { operations: clients, tally: await cut() };
    return { phases, liveHashBytesPerClient };
  } finally {
    for (const client of connected) client.close();
    await session.close();
  }
}

async function measureHeartbeats(config: CostConfig, key: string): Promise<PhaseCost> {
  const session = await openSession(config, key, HEARTBEAT_INTERVAL_MS);
  const connected: CostClient[] = [];
  try {
    for (let i = 0; i < HEARTBEAT_CLIENTS; i++) connected.push(await session.server.connectClient());
    await session.cut();
    await delay(HEARTBEAT_INTERVAL_MS * HEARTBEATS);
    const tally = await session.cut();
    // Each heartbeat publishes one message per namespace, and nothing else publishes meanwhile.
    return { operations: Math.max(1, tally.byName.PUBLISH ?? 0), tally };
  } finally {
    for (const client of connected) client.close();
    await session.close();
  }
}

async function measure(config: CostConfig, clients: number, broadcasts: number, run: number): Promise<CostResult> {
  const key = `parley-cost-${process.pid}-${run}`;
  const { phases, liveHashBytesPerClient } = await measureOperations(config, clients, broadcasts, `${key}-ops`);
  phases.heartbeat = await measureHeartbeats(config, `${key}-heartbeat`);
  return { config, phases, liveHashBytesPerClient };
}

export async function measureRecoveryCost(clients: number, broadcasts: number): Promise<CostRun> {
  await probeRedis();
  const startedAt = new Date().toISOString();
  const results: CostResult[] = [];
  for (const [index, config] of COST_CONFIGS.entries()) {
    results.push(await measure(config, clients, broadcasts, index + 1));
  }
  return { startedAt, redisUrl: REDIS_URL, clients, broadcasts, heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS, results };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { clients: { type: 'string' }, broadcasts: { type: 'string' }, out: { type: 'string' } },
    strict: true,
  });
  const clients = Number(values.clients ?? 200);
  const broadcasts = Number(values.broadcasts ?? 200);
  if (!(clients >= 1 && broadcasts >= 1)) throw new Error('--clients and --broadcasts must be positive');
  const run = await measureRecoveryCost(Math.ceil(clients), Math.ceil(broadcasts));
  const markdown = renderCostMarkdown(run);
  const outDir = values.out ?? RESULTS_DIR;
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'recovery-cost.json'), `${JSON.stringify(run, null, 2)}\n`);
  await writeFile(join(outDir, 'recovery-cost.md'), markdown);
  console.log(markdown);
  console.log(`written: ${join(outDir, 'recovery-cost.md')} and recovery-cost.json`);
}

// Run as a script, not when the smoke test imports measureRecoveryCost.
if (process.argv[1]?.endsWith(join('recovery-cost', 'main.js'))) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`recovery-cost: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
