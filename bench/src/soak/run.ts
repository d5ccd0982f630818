/**
 * One soak run: the server in a child process of its own (its RSS is measured alone), the
 * clients in this process. Clients connect, then for the set time: a room broadcast every
 * `broadcastMs`, acknowledged echoes, churn; the server's memory is sampled all along. Every
 * wait is bounded and the run stops by itself.
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { BenchError } from '../errors.js';
import { IpcClient } from '../ipc.js';
import { BENCH_ROOT } from '../paths.js';
import { captureStderr, spawnNode } from '../placement.js';
import { ChildStartError, firstMessage } from '../processes.js';
import type { ServerStartMessage } from '../types.js';
import { readFileLimits } from './limits.js';
import type { SoakOptions } from './options.js';
import { type PoolTally, SoakPool } from './pool.js';
import type { ServerSample } from './server.js';
import { type MemorySample, type Slopes, secondHalfSlopes, toMiB } from './stats.js';

export const SOAK_SERVER_ENTRY = join(BENCH_ROOT, 'dist', 'soak', 'server.js');

/** The control loop's period: churn and echoes are spread over its ticks. */
const TICK_MS = 100;
const SAMPLE_TIMEOUT_MS = 30_000;

export class SoakFileLimitError extends BenchError<'SOAK_FILE_LIMIT'> {
  constructor(message: string) {
    super('SOAK_FILE_LIMIT', message);
  }
}

export interface SoakReport {
  options: SoakOptions;
  /** Before any client connected. */
  baseline: MemorySample;
  /** From the start of the load to its end. */
  samples: MemorySample[];
  /** Once every client had gone (or the drain bound passed). */
  afterClose: MemorySample;
  slopes: Slopes;
  /** The RSS slope stayed at or under options.maxSlopeMiBPerMinute. */
  passed: boolean;
  clients: PoolTally;
  /** Time to connect the initial clients. */
  connectMs: number;
}

/** Descriptors one side needs: one per WebSocket client, two per polling client, and some slack. */
export function descriptorsNeeded(options: SoakOptions): number {
  return Math.ceil(options.connections * (1 + options.pollingFraction * 1.5)) + 256;
}

/** Fails early, with what to do, when this process (and so the server it spawns) cannot open enough sockets. */
export function checkFileLimit(options: SoakOptions): void {
  const needed = descriptorsNeeded(options);
  const { soft, hard } = readFileLimits();
  if (soft >= needed) return;
  // Node already raised its soft limit to the hard one: a soft limit still below means a shell set it lower.
  const raise =
    hard >= needed
      ? `run it from a shell with a higher limit: \`ulimit -n ${needed}\` (the hard limit allows ${hard})`
      : `raise the hard limit (\`ulimit -Hn ${needed}\` as root, or nofile in /etc/security/limits.conf), or use fewer --connections`;
  throw new SoakFileLimitError(
    `${options.connections} connections need about ${needed} open files per process, but the limit is ${soft}; ${raise}`,
  );
}

class SoakServer {
  readonly port: number;
  readonly #child: ChildProcess;
  readonly #ipc: IpcClient;

  private constructor(child: ChildProcess, ipc: IpcClient, port: number) {
    this.#child = child;
    this.#ipc = ipc;
    this.port = port;
  }

  static async start(options: SoakOptions): Promise<SoakServer> {
    const placement = { serverCore: undefined, loadCore: undefined, fileLimit: undefined, nice: 0, notes: [] };
    const child = spawnNode(SOAK_SERVER_ENTRY, [options.server], ['--expose-gc'], undefined, placement);
    const stderr = captureStderr(child);
    const ipc = new IpcClient(child, stderr);
    try {
      const message = await firstMessage<ServerStartMessage>(child, stderr, `${options.server} soak server`);
      if (message.type !== 'ready') throw new ChildStartError(`soak server failed to start: ${message.message}`);
      return new SoakServer(child, ipc, message.port);
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
  }

  sample(): Promise<ServerSample> {
    return this.#ipc.request<ServerSample>('sample', null, SAMPLE_TIMEOUT_MS);
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = once(this.#child, 'exit');
    this.#child.kill('SIGKILL');
    // Unreferenced: a pending bound must not keep the process alive after the child exited.
    await Promise.race([exited, delay(10_000, undefined, { ref: false })]);
  }
}

function toMemorySample(sample: ServerSample, elapsedMs: number): MemorySample {
  return {
    elapsedMs,
    rssMiB: toMiB(sample.rss),
    heapMiB: toMiB(sample.heapUsed),
    heapTotalMiB: toMiB(sample.heapTotal),
    externalMiB: toMiB(sample.external),
    serverConnected: sample.connected,
    serverOpened: sample.opened,
  };
}

/** Drives the traffic: broadcasts on their own interval, churn and echoes on a shared tick. */
function startTraffic(pool: SoakPool, options: SoakOptions): () => void {
  let sequence = 0;
  const broadcasts = setInterval(() => pool.broadcast(sequence++), options.broadcastMs);
  // Fractions carry over between ticks, so low rates still happen at their average pace.
  let churnDue = 0;
  let echoesDue = 0;
  const ticks = setInterval(() => {
    churnDue += (options.connections * options.churnPerSecond * TICK_MS) / 1000;
    echoesDue += (options.echoPerSecond * TICK_MS) / 1000;
    const churnNow = Math.floor(churnDue);
    churnDue -= churnNow;
    pool.churn(churnNow);
    for (; echoesDue >= 1; echoesDue--) pool.echo();
  }, TICK_MS);
  return () => {
    clearInterval(broadcasts);
    clearInterval(ticks);
  };
}

export async function runSoak(options: SoakOptions, log: (line: string) => void = () => {}): Promise<SoakReport> {
  checkFileLimit(options);
  const server = await SoakServer.start(options);
  const pool = new SoakPool(options, '127.0.0.1', server.port);
  try {
    const baseline = toMemorySample(await server.sample(), 0);
    log(`server (${options.server}) on port ${server.port}, RSS ${baseline.rssMiB.toFixed(1)} MiB before clients`);
    const connectStart = performance.now();
    await pool.fill(Math.max(60_000, options.connections * 20));
    const connectMs = performance.now() - connectStart;
    log(
      `${options.connections} clients connected in ${(connectMs / 1000).toFixed(1)} s; load for ${options.durationMs / 1000} s`,
    );

    const start = performance.now();
    const stopTraffic = startTraffic(pool, options);
    const samples: MemorySample[] = [];
    try {
      // Samples on a fixed grid; a slow sample (a busy server) skips grid points rather than
      // stretching the run past its set time.
      for (let next = 0; next <= options.durationMs; ) {
        const wait = start + next - performance.now();
        if (wait > 0) await delay(wait);
        const sample = toMemorySample(await server.sample(), performance.now() - start);
        const elapsed = performance.now() - start;
        next = Math.max(next + options.sampleMs, Math.ceil(elapsed / options.sampleMs) * options.sampleMs);
        samples.push(sample);
        if (samples.length % 10 === 0) {
          log(
            `  ${(sample.elapsedMs / 1000).toFixed(0)} s: RSS ${sample.rssMiB.toFixed(1)} MiB, ${sample.serverConnected} sockets`,
          );
        }
      }
    } finally {
      stopTraffic();
    }

    pool.closeAll();
    const drainDeadline = performance.now() + options.drainMs;
    let last = await server.sample();
    while (last.connected > 0 && performance.now() < drainDeadline) {
      await delay(500);
      last = await server.sample();
    }
    const afterClose = toMemorySample(last, performance.now() - start);
    const slopes = secondHalfSlopes(samples, options.durationMs);
    const passed = !(slopes.rssMiBPerMinute > options.maxSlopeMiBPerMinute);
    return { options, baseline, samples, afterClose, slopes, passed, clients: pool.tally, connectMs };
  } finally {
    pool.closeAll();
    await server.stop();
  }
}
