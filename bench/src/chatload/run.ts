/**
 * The chat load from start to end: for each store, a fresh chat process, its users signed up,
 * connected and in their rooms, the paced load, then the chat stopped and its profile read.
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { describeError } from '../ipc.js';
import { describeMachine } from '../machine.js';
import { describeLeft } from '../progress.js';
import type { MachineInfo } from '../types.js';
import { ChatServer, findPostgres, POSTGRES_CANDIDATES } from './chat-server.js';
import { type DriveResult, drive } from './drive.js';
import type { ChatLoadOptions, ChatStoreKind } from './options.js';
import { summarizeProfile, type TimeBreakdown } from './profile.js';
import { disconnectAll, type LoadUser, prepareUsers } from './users.js';

export interface ChatLoadRecord {
  store: ChatStoreKind;
  /** Seconds spent signing up, connecting and joining (scrypt hashing dominates). */
  setupSeconds: number;
  result?: DriveResult;
  breakdown?: TimeBreakdown;
  /** The first error the chat logged during the run, if any (why it answered SERVER_ERROR). */
  chatError?: string;
  error?: string;
}

export interface ChatLoadResult {
  startedAt: string;
  finishedAt: string;
  machine: MachineInfo;
  options: ChatLoadOptions;
  notes: string[];
  skipped: { store: ChatStoreKind; reason: string }[];
  records: ChatLoadRecord[];
}

interface Cores {
  chat: number | undefined;
  note: string;
}

/** The chat on core 0 and this process (the load) on core 1, as the suite places server and load. */
function placeProcesses(pin: boolean): Cores {
  if (!pin) return { chat: undefined, note: 'unpinned (pinning turned off)' };
  if (availableParallelism() < 2) return { chat: undefined, note: 'unpinned: only one core' };
  const self = spawnSync('taskset', ['-apc', '1', String(process.pid)], { encoding: 'utf8' });
  if (self.status !== 0) return { chat: undefined, note: 'unpinned: taskset is not available' };
  return { chat: 0, note: 'chat pinned to core 0, load (this process, socket.io-client) to core 1 (taskset)' };
}

/** Signing up costs a scrypt hash each, about this long on two busy cores. */
const SETUP_MS_PER_USER = 40;

function estimateMs(options: ChatLoadOptions): number {
  return 3_000 + options.users * SETUP_MS_PER_USER + options.warmupMs + options.durationMs;
}

async function runOne(
  store: ChatStoreKind,
  options: ChatLoadOptions,
  databaseUrl: string,
  core: number | undefined,
): Promise<ChatLoadRecord> {
  const record: ChatLoadRecord = { store, setupSeconds: 0 };
  let server: ChatServer | undefined;
  let users: LoadUser[] = [];
  try {
    server = await ChatServer.start({
      store,
      databaseUrl,
      core,
      profile: options.profile,
      entry: options.chatEntry,
    });
    const setupStart = performance.now();
    users = await prepareUsers(server.url, options.users, options.rooms);
    record.setupSeconds = (performance.now() - setupStart) / 1000;
    record.result = await drive(users, {
      ratePerSec: options.ratePerSec,
      warmupMs: options.warmupMs,
      durationMs: options.durationMs,
      serverPid: server.pid,
    });
  } catch (error) {
    record.error = `${describeError(error)}${server ? `\nchat output:\n${server.output.slice(-2000)}` : ''}`;
  } finally {
    disconnectAll(users);
    const profile = await server?.stop();
    record.chatError = firstLoggedError(server?.output ?? '');
    if (profile && record.result) {
      try {
        record.breakdown = summarizeProfile(profile, record.result.windowMicros);
      } catch (error) {
        record.error = `the CPU profile could not be read: ${describeError(error)}`;
      }
    }
    await server?.dispose();
  }
  return record;
}

export async function runChatLoad(
  options: ChatLoadOptions,
  log: (line: string) => void = () => {},
): Promise<ChatLoadResult> {
  const startedAt = new Date().toISOString();
  // Read before this process pins itself to one core, which would hide the other.
  const machine = describeMachine('');
  const cores = placeProcesses(options.pin);
  machine.pinning = cores.note;
  const notes = [cores.note];
  const skipped: ChatLoadResult['skipped'] = [];
  const stores: ChatStoreKind[] = [];
  let databaseUrl = '';
  for (const store of options.stores) {
    if (store === 'postgres') {
      const found = await findPostgres(options.databaseUrl ? [options.databaseUrl] : POSTGRES_CANDIDATES);
      if ('error' in found) {
        skipped.push({ store, reason: `PostgreSQL is not reachable (${found.error})` });
        log(`skipping postgres: not reachable (${found.error})`);
        continue;
      }
      databaseUrl = found.url;
    }
    stores.push(store);
  }
  const records: ChatLoadRecord[] = [];
  const perRunMs = estimateMs(options);
  let pace = 1;
  for (const [index, store] of stores.entries()) {
    const left = perRunMs * (stores.length - index) * pace;
    log(
      `[${index + 1}/${stores.length}] chat load · ${store} · ${options.users} users in ${options.rooms} rooms, ` +
        `${options.ratePerSec} messages/s · ${describeLeft(left)}`,
    );
    const started = performance.now();
    const record = await runOne(store, options, databaseUrl, cores.chat);
    pace = (performance.now() - started) / perRunMs;
    records.push(record);
    log(`    ${describeRecord(record)}`);
  }
  return {
    startedAt,
    finishedAt: new Date().toISOString(),
    machine,
    options,
    notes,
    skipped,
    records,
  };
}

/** The chat logs a failed request as `chat: request failed: <error>`; the first one says why. */
function firstLoggedError(output: string): string | undefined {
  const lines = output.split('\n');
  const at = lines.findIndex((line) => line.includes('request failed'));
  return at === -1
    ? undefined
    : lines
        .slice(at, at + 2)
        .join(' ')
        .trim()
        .slice(0, 300);
}

function describeRecord(record: ChatLoadRecord): string {
  if (record.error) return `error: ${record.error}`;
  const result = record.result;
  if (!result) return 'no result';
  const round = (value: number) => Number(value.toPrecision(3));
  return (
    `${round(result.storedPerSec)} stored/s, ${round(result.deliveredPerSec)} delivered/s, ack p50/p99 ` +
    `${round(result.ackP50Ms)}/${round(result.ackP99Ms)} ms, delivery p50/p99 ${round(result.deliveryP50Ms)}/` +
    `${round(result.deliveryP99Ms)} ms (setup ${round(record.setupSeconds)} s)`
  );
}
