/**
 * Soak run settings, from the command line (`node bench/scripts/soak.mjs --connections 10000 --seconds 120`).
 *
 *   --server parley|socket.io   server under test (default parley; socket.io gives a reference slope)
 *   --connections N             clients kept connected (default 10000)
 *   --seconds S                 length of the loaded run (default 120)
 *   --polling F                 fraction of clients on HTTP long-polling, the rest on WebSocket (default 0.1)
 *   --churn F                   fraction of the clients replaced per second (default 0.01)
 *   --broadcast-ms N            a room broadcast every N ms (default 100)
 *   --rooms N                   rooms the clients are spread over (default 10)
 *   --echo-per-sec N            acknowledged echoes per second, from random clients (default 200)
 *   --sample-ms N               server memory sampling period (default: seconds / 30, at least 1 s)
 *   --max-slope MB              fail (exit 1) when RSS grows faster than this many MiB per minute
 *                               over the second half of the run (default 5)
 *   --source-addresses N        spread connections over N loopback addresses 127.0.0.2… (default 8)
 *   --drain-seconds S           after the load, how long to wait for the server to see every client
 *                               leave (default 50: a polling client dropped without a close packet
 *                               is only noticed by the heartbeat, 25 s + 20 s by default)
 */
import { parseArgs } from 'node:util';
import { BenchError } from '../errors.js';

export type SoakServerKind = 'parley' | 'socket.io';

export interface SoakOptions {
  server: SoakServerKind;
  connections: number;
  durationMs: number;
  pollingFraction: number;
  churnPerSecond: number;
  broadcastMs: number;
  rooms: number;
  echoPerSecond: number;
  sampleMs: number;
  maxSlopeMiBPerMinute: number;
  sourceAddresses: string[];
  /** Handshakes in flight while connecting the initial clients. */
  connectConcurrency: number;
  /** Bound on waiting for the server to see every client leave once the load stops. */
  drainMs: number;
}

export class SoakConfigError extends BenchError<'SOAK_CONFIG'> {
  constructor(message: string) {
    super('SOAK_CONFIG', message);
  }
}

/** Loopback addresses 127.0.0.2…; many client ports per address keep clear of the ephemeral range's end. */
export function loopbackSources(count: number): string[] {
  return Array.from({ length: Math.min(Math.max(count, 0), 250) }, (_, index) => `127.0.0.${index + 2}`);
}

/** Fills in every default, then checks each value is in its range. */
export function soakOptions(overrides: Partial<SoakOptions> = {}): SoakOptions {
  const durationMs = overrides.durationMs ?? 120_000;
  const options: SoakOptions = {
    server: overrides.server ?? 'parley',
    connections: overrides.connections ?? 10_000,
    durationMs,
    pollingFraction: overrides.pollingFraction ?? 0.1,
    churnPerSecond: overrides.churnPerSecond ?? 0.01,
    broadcastMs: overrides.broadcastMs ?? 100,
    rooms: overrides.rooms ?? 10,
    echoPerSecond: overrides.echoPerSecond ?? 200,
    sampleMs: overrides.sampleMs ?? Math.max(1_000, Math.round(durationMs / 30)),
    maxSlopeMiBPerMinute: overrides.maxSlopeMiBPerMinute ?? 5,
    sourceAddresses: overrides.sourceAddresses ?? loopbackSources(8),
    connectConcurrency: overrides.connectConcurrency ?? 64,
    drainMs: overrides.drainMs ?? 50_000,
  };
  check(options.server === 'parley' || options.server === 'socket.io', '--server must be parley or socket.io');
  check(Number.isInteger(options.connections) && options.connections >= 1, '--connections must be a positive integer');
  check(options.connections <= 60_000, '--connections is capped at 60000 (loopback ports and descriptors)');
  check(options.durationMs >= 1_000 && options.durationMs <= 24 * 3_600_000, '--seconds must be 1 to 86400');
  check(options.pollingFraction >= 0 && options.pollingFraction <= 1, '--polling must be between 0 and 1');
  check(options.churnPerSecond >= 0 && options.churnPerSecond <= 1, '--churn must be between 0 and 1');
  check(options.broadcastMs >= 1, '--broadcast-ms must be at least 1');
  check(Number.isInteger(options.rooms) && options.rooms >= 1, '--rooms must be a positive integer');
  check(options.echoPerSecond >= 0, '--echo-per-sec must not be negative');
  check(options.sampleMs >= 100, '--sample-ms must be at least 100');
  check(Number.isFinite(options.maxSlopeMiBPerMinute), '--max-slope must be a number');
  check(options.drainMs >= 0 && options.drainMs <= 600_000, '--drain-seconds must be 0 to 600');
  return options;
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new SoakConfigError(message);
}

function numberFlag(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed)) throw new SoakConfigError(`--${name} expects a number`);
  return parsed;
}

export function soakOptionsFromArgs(args: string[]): SoakOptions {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      server: { type: 'string' },
      connections: { type: 'string' },
      seconds: { type: 'string' },
      polling: { type: 'string' },
      churn: { type: 'string' },
      'broadcast-ms': { type: 'string' },
      rooms: { type: 'string' },
      'echo-per-sec': { type: 'string' },
      'sample-ms': { type: 'string' },
      'max-slope': { type: 'string' },
      'source-addresses': { type: 'string' },
      'drain-seconds': { type: 'string' },
    },
  });
  const seconds = numberFlag(values.seconds, 'seconds');
  const drainSeconds = numberFlag(values['drain-seconds'], 'drain-seconds');
  const sources = numberFlag(values['source-addresses'], 'source-addresses');
  return soakOptions({
    server: values.server as SoakServerKind | undefined,
    connections: numberFlag(values.connections, 'connections'),
    durationMs: seconds === undefined ? undefined : Math.round(seconds * 1000),
    pollingFraction: numberFlag(values.polling, 'polling'),
    churnPerSecond: numberFlag(values.churn, 'churn'),
    broadcastMs: numberFlag(values['broadcast-ms'], 'broadcast-ms'),
    rooms: numberFlag(values.rooms, 'rooms'),
    echoPerSecond: numberFlag(values['echo-per-sec'], 'echo-per-sec'),
    sampleMs: numberFlag(values['sample-ms'], 'sample-ms'),
    maxSlopeMiBPerMinute: numberFlag(values['max-slope'], 'max-slope'),
    sourceAddresses: sources === undefined ? undefined : loopbackSources(sources),
    drainMs: drainSeconds === undefined ? undefined : Math.round(drainSeconds * 1000),
  });
}
