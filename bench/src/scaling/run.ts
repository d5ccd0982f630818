/**
 * How cost grows with connections: fan-out and idle memory at several client counts for Parley,
 * socket.io and the raw `ws` floor (which shows what the machine itself allows), run through the suite (same placement, fresh server per run, progress lines),
 * then fitted and charted.
 *
 *   --quick                  smoke scale: 20, 50 and 100 clients, sub-second phases
 *   --counts a,b,…           client counts (default 1000,5000,10000,20000)
 *   --servers a,b            default socket.io,parley,ws
 *   --reps N                 repetitions per point (default 1: the points themselves show the spread)
 *   --duration S / --warmup S   fan-out phases (default 5 / 1 seconds)
 *   --source-addresses N     spread connections over N loopback addresses (automatic above 25,000)
 *   --no-pin, --out DIR      as for the suite
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { buildConfig, ConfigError, positiveFlag, type SuiteConfig } from '../config.js';
import { runSuite, type SuiteResult } from '../suite.js';
import { SERVER_KINDS, type ServerKind, type WorkloadSpec } from '../types.js';

export const FULL_COUNTS = [1_000, 5_000, 10_000, 20_000];
export const QUICK_COUNTS = [20, 50, 100];

export interface ScalingOptions {
  quick: boolean;
  counts: number[];
  servers: ServerKind[];
  repetitions: number;
  warmupMs: number | undefined;
  durationMs: number | undefined;
  sourceAddressCount: number | undefined;
  pin: boolean;
  outDir: string | undefined;
}

const FANOUT_IN_FLIGHT = 16;
const count = (n: number) => n.toLocaleString('en-US');

export const fanoutId = (clients: number) => `scaling-fanout-${clients}`;
export const idleId = (clients: number) => `scaling-idle-${clients}`;

export function scalingConfig(options: ScalingOptions): SuiteConfig {
  const base = buildConfig({
    scale: options.quick ? 'quick' : 'full',
    repetitions: options.repetitions,
    servers: options.servers,
    workloads: [],
    warmupMs: options.warmupMs,
    durationMs: options.durationMs,
    pin: options.pin,
    sourceAddressCount: options.sourceAddressCount,
    outDir: options.outDir,
  });
  const warmupMs = options.warmupMs ?? (options.quick ? 200 : 1_000);
  const durationMs = options.durationMs ?? (options.quick ? 500 : 5_000);
  const workloads: WorkloadSpec[] = [];
  for (const clients of options.counts) {
    workloads.push({
      id: fanoutId(clients),
      kind: 'fanout',
      label: `fan-out, ${count(clients)} clients`,
      clients,
      inFlight: FANOUT_IN_FLIGHT,
      warmupMs,
      durationMs,
    });
  }
  for (const clients of options.counts) {
    workloads.push({
      id: idleId(clients),
      kind: 'idle-memory',
      label: `idle memory, ${count(clients)} clients`,
      clients,
      inFlight: FANOUT_IN_FLIGHT,
      warmupMs,
      durationMs,
    });
  }
  return { ...base, workloads };
}

/** Descriptors a process needs besides its connections (as the suite reckons). */
const DESCRIPTOR_HEADROOM = 1_024;

/** The hard open-file limit of this shell, or undefined when unlimited or unreadable. */
function hardFileLimit(): number | undefined {
  const result = spawnSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' });
  const value = Number(result.stdout?.trim());
  return result.status === 0 && Number.isFinite(value) && value > 0 ? value : undefined;
}

/**
 * "As far as the machine allows": a count the open-file limit cannot hold (each side of a
 * connection is a descriptor in its process) is replaced by the largest whole thousand it can.
 */
export function feasibleCounts(
  counts: readonly number[],
  hardLimit: number | undefined,
): { counts: number[]; note?: string } {
  if (hardLimit === undefined) return { counts: [...counts] };
  const most = hardLimit - DESCRIPTOR_HEADROOM;
  const cap = most >= 1_000 ? Math.floor(most / 1_000) * 1_000 : most;
  const capped = [...new Set(counts.map((n) => Math.min(n, cap)))].filter((n) => n >= 2);
  if (capped.length === counts.length && capped.every((n, i) => n === counts[i])) return { counts: capped };
  return {
    counts: capped,
    note: `counts above ${count(cap)} lowered to ${count(cap)}: the hard open-file limit is ${count(hardLimit)}`,
  };
}

export async function runScaling(
  options: ScalingOptions,
  log: (line: string) => void = () => {},
): Promise<SuiteResult> {
  const { counts, note } = feasibleCounts(options.counts, hardFileLimit());
  if (note) log(note);
  const result = await runSuite(scalingConfig({ ...options, counts }), log);
  if (note) result.notes.push(note);
  return result;
}

function numbers(text: string | undefined, name: string): number[] | undefined {
  if (text === undefined) return undefined;
  const values = text.split(',').map((item) => Number(item.trim()));
  if (values.length === 0 || values.some((value) => !Number.isInteger(value) || value < 2)) {
    throw new ConfigError(`--${name} must be whole numbers of at least 2, comma-separated (got "${text}")`);
  }
  return [...new Set(values)].sort((a, b) => a - b);
}

export function scalingOptionsFromArgs(argv: string[]): ScalingOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean' },
      counts: { type: 'string' },
      servers: { type: 'string' },
      reps: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      'source-addresses': { type: 'string' },
      'no-pin': { type: 'boolean' },
      out: { type: 'string' },
    },
    strict: true,
  });
  const servers = values.servers?.split(',').map((item) => item.trim()) ?? ['socket.io', 'parley', 'ws'];
  for (const server of servers) {
    if (!SERVER_KINDS.includes(server as ServerKind)) {
      throw new ConfigError(`unknown server "${server}" (known: ${SERVER_KINDS.join(', ')})`);
    }
  }
  const quick = values.quick ?? false;
  const seconds = (text: string | undefined, name: string) => {
    const value = positiveFlag(text, name);
    return value === undefined ? undefined : Math.round(value * 1000);
  };
  const addresses = positiveFlag(values['source-addresses'], 'source-addresses');
  return {
    quick,
    counts: numbers(values.counts, 'counts') ?? (quick ? QUICK_COUNTS : FULL_COUNTS),
    servers: servers as ServerKind[],
    repetitions: Math.ceil(positiveFlag(values.reps, 'reps') ?? 1),
    warmupMs: seconds(values.warmup, 'warmup'),
    durationMs: seconds(values.duration, 'duration'),
    sourceAddressCount: addresses === undefined ? undefined : Math.ceil(addresses),
    pin: !values['no-pin'],
    outDir: values.out,
  };
}
