/**
 * Suite configuration: the full scale of issues 8 and 15, a tiny smoke scale, and overrides from the
 * command line or the environment.
 *
 *   --quick | BENCH_QUICK=1            tiny scale (smoke run, well under a minute)
 *   --reps N | BENCH_REPS              repetitions per server (default 3; quick 1)
 *   --duration S | BENCH_DURATION      measured seconds per run (default 5; quick 1)
 *   --warmup S | BENCH_WARMUP          warm-up seconds before measuring (default 1; quick 0.3)
 *   --servers a,b | BENCH_SERVERS      subset of socket.io,parley,ws
 *   --workloads a,b | BENCH_WORKLOADS  subset of the workload ids below
 *   --no-pin | BENCH_NO_PIN=1          do not pin with taskset
 *   --nice N | BENCH_NICE              run servers and load generator at this niceness (e.g. -5 as root)
 *   --source-addresses N               spread connections over N loopback addresses (127.0.0.2…)
 *   --out DIR                          where latest.json / latest.md go (default bench/results)
 */
import { parseArgs } from 'node:util';
import { BenchError } from './errors.js';
import { type ClusterSetup, SERVER_KINDS, type ServerKind, type WorkloadKind, type WorkloadSpec } from './types.js';

export type Scale = 'full' | 'quick';

export interface SuiteConfig {
  scale: Scale;
  repetitions: number;
  servers: ServerKind[];
  workloads: WorkloadSpec[];
  pin: boolean;
  /** Scheduling niceness of the children (0: unchanged); negative values need root. */
  nice: number;
  /** Handshakes in flight while the load generator connects a workload's clients. */
  connectConcurrency: number;
  /** Pause between connecting the idle clients and reading the server's memory. */
  settleMs: number;
  /** Loopback source addresses to spread connections over; 0 picks automatically. */
  sourceAddressCount: number;
  /** Load generator CPU (fraction of a core) above which a run is flagged load-bound. */
  loadBoundThreshold: number;
  outDir: string | undefined;
}

interface WorkloadShape {
  id: string;
  kind: WorkloadKind;
  full: number;
  quick: number;
  describe(clients: number): string;
  cluster?: ClusterSetup;
  servers?: readonly ServerKind[];
  socketIoReference?: string;
}

const count = (n: number) => n.toLocaleString('en-US');

/** Issue 15: three server processes on one core, joined through Redis. */
const CLUSTER_NODES = 3;
const CLUSTER_CLIENTS = { full: 1_500, quick: 30 };
const clusterLabel = (n: number, config: string) =>
  `fan-out, ${CLUSTER_NODES} nodes + Redis, ${count(n)} clients, ${config}`;

/** The workloads of issue 8, in report order, with their full and smoke scales. */
const WORKLOADS: readonly WorkloadShape[] = [
  { id: 'fanout', kind: 'fanout', full: 1_000, quick: 20, describe: (n) => `fan-out, ${count(n)} clients` },
  { id: 'fanout-large', kind: 'fanout', full: 5_000, quick: 40, describe: (n) => `fan-out, ${count(n)} clients` },
  { id: 'echo', kind: 'echo', full: 200, quick: 10, describe: (n) => `echo, ${count(n)} clients` },
  { id: 'handshakes', kind: 'handshakes', full: 50, quick: 5, describe: (n) => `handshakes, ${count(n)} in flight` },
  {
    id: 'idle-memory',
    kind: 'idle-memory',
    full: 10_000,
    quick: 50,
    describe: (n) => `idle memory, ${count(n)} clients`,
  },
  {
    id: 'polling-echo',
    kind: 'polling-echo',
    full: 200,
    quick: 10,
    describe: (n) => `polling echo, ${count(n)} clients`,
  },
  {
    id: 'fanout-cluster',
    kind: 'fanout-cluster',
    ...CLUSTER_CLIENTS,
    describe: (n) => clusterLabel(n, 'no recovery'),
    cluster: { nodes: CLUSTER_NODES, recovery: 'off' },
    // The ws floor has no adapter to run over Redis.
    servers: ['socket.io', 'parley'],
  },
  // Parley only: @socket.io/redis-adapter has no connection state recovery, so these are set
  // against socket.io's figures without recovery (the row above).
  {
    id: 'fanout-cluster-recovery',
    kind: 'fanout-cluster',
    ...CLUSTER_CLIENTS,
    describe: (n) => clusterLabel(n, 'Parley with connectionStateRecovery'),
    cluster: { nodes: CLUSTER_NODES, recovery: 'state' },
    servers: ['parley'],
    socketIoReference: 'fanout-cluster',
  },
  {
    id: 'fanout-cluster-crash',
    kind: 'fanout-cluster',
    ...CLUSTER_CLIENTS,
    describe: (n) => clusterLabel(n, 'Parley with crashRecovery'),
    cluster: { nodes: CLUSTER_NODES, recovery: 'crash' },
    servers: ['parley'],
    socketIoReference: 'fanout-cluster',
  },
];

export const WORKLOAD_IDS: readonly string[] = WORKLOADS.map((workload) => workload.id);

/** The workloads that need Redis (several server processes through a Redis adapter). */
export const CLUSTER_WORKLOAD_IDS: readonly string[] = WORKLOADS.filter((workload) => workload.cluster).map(
  (workload) => workload.id,
);

/** `chat message` events the fan-out sender keeps in flight (issue 8: 16). */
const FANOUT_IN_FLIGHT = 16;

export class ConfigError extends BenchError<'BENCH_CONFIG'> {
  constructor(message: string) {
    super('BENCH_CONFIG', message);
  }
}

export interface ConfigOverrides {
  scale?: Scale;
  repetitions?: number;
  warmupMs?: number;
  durationMs?: number;
  servers?: ServerKind[];
  workloads?: string[];
  pin?: boolean;
  nice?: number;
  sourceAddressCount?: number;
  outDir?: string;
}

export function buildConfig(overrides: ConfigOverrides = {}): SuiteConfig {
  const scale = overrides.scale ?? 'full';
  const quick = scale === 'quick';
  const warmupMs = overrides.warmupMs ?? (quick ? 300 : 1_000);
  const durationMs = overrides.durationMs ?? (quick ? 1_000 : 5_000);
  const wanted = overrides.workloads ?? WORKLOAD_IDS;
  for (const id of wanted) {
    if (!WORKLOAD_IDS.includes(id))
      throw new ConfigError(`unknown workload "${id}" (known: ${WORKLOAD_IDS.join(', ')})`);
  }
  const workloads = WORKLOADS.filter((shape) => wanted.includes(shape.id)).map((shape): WorkloadSpec => {
    const clients = quick ? shape.quick : shape.full;
    return {
      id: shape.id,
      kind: shape.kind,
      label: shape.describe(clients),
      clients,
      inFlight: FANOUT_IN_FLIGHT,
      warmupMs,
      durationMs,
      ...(shape.cluster && { cluster: shape.cluster }),
      ...(shape.servers && { servers: shape.servers }),
      ...(shape.socketIoReference && { socketIoReference: shape.socketIoReference }),
    };
  });
  return {
    scale,
    repetitions: overrides.repetitions ?? (quick ? 1 : 3),
    servers: overrides.servers ?? [...SERVER_KINDS],
    workloads,
    pin: overrides.pin ?? true,
    nice: overrides.nice ?? 0,
    connectConcurrency: quick ? 10 : 64,
    settleMs: quick ? 200 : 1_000,
    sourceAddressCount: overrides.sourceAddressCount ?? 0,
    loadBoundThreshold: 0.9,
    outDir: overrides.outDir,
  };
}

/** A command-line flag's value, `--name`, as a positive number; `undefined` when the flag is absent. */
export function positiveFlag(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new ConfigError(`--${name} must be a positive number (got "${text}")`);
  return value;
}

function positiveNumber(text: string | undefined, name: string): number | undefined {
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new ConfigError(`${name} must be a positive number (got "${text}")`);
  return value;
}

function list(text: string | undefined): string[] | undefined {
  if (text === undefined || text === '') return undefined;
  return text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function serverList(text: string | undefined): ServerKind[] | undefined {
  const items = list(text);
  if (!items) return undefined;
  for (const item of items) {
    if (!SERVER_KINDS.includes(item as ServerKind)) {
      throw new ConfigError(`unknown server "${item}" (known: ${SERVER_KINDS.join(', ')})`);
    }
  }
  return items as ServerKind[];
}

function niceness(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < -20 || value > 19) {
    throw new ConfigError(`nice must be an integer from -20 to 19 (got "${text}")`);
  }
  return value;
}

const truthy = (text: string | undefined) => text !== undefined && text !== '' && text !== '0' && text !== 'false';

/** Command-line flags win over environment variables, which win over the scale's defaults. */
export function configFromCommandLine(argv: string[], env: NodeJS.ProcessEnv): SuiteConfig {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean' },
      reps: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      servers: { type: 'string' },
      workloads: { type: 'string' },
      'no-pin': { type: 'boolean' },
      nice: { type: 'string' },
      'source-addresses': { type: 'string' },
      out: { type: 'string' },
    },
    strict: true,
  });
  // `npm run bench -- --quick` through a workspace hop turns the flag into npm_config_quick.
  const quick = values.quick || truthy(env.BENCH_QUICK) || truthy(env.npm_config_quick);
  const seconds = (text: string | undefined, name: string) => {
    const value = positiveNumber(text, name);
    return value === undefined ? undefined : Math.round(value * 1000);
  };
  const reps = positiveNumber(values.reps ?? env.BENCH_REPS, 'reps');
  const addresses = values['source-addresses'] ?? env.BENCH_SOURCE_ADDRESSES;
  return buildConfig({
    scale: quick ? 'quick' : 'full',
    repetitions: reps === undefined ? undefined : Math.ceil(reps),
    durationMs: seconds(values.duration ?? env.BENCH_DURATION, 'duration'),
    warmupMs: seconds(values.warmup ?? env.BENCH_WARMUP, 'warmup'),
    servers: serverList(values.servers ?? env.BENCH_SERVERS),
    workloads: list(values.workloads ?? env.BENCH_WORKLOADS),
    pin: !(values['no-pin'] || truthy(env.BENCH_NO_PIN)),
    nice: niceness(values.nice ?? env.BENCH_NICE),
    sourceAddressCount:
      addresses === undefined ? undefined : Math.ceil(positiveNumber(addresses, 'source-addresses') ?? 0),
    outDir: values.out,
  });
}
