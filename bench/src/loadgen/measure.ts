/** Measurement primitives of the load generator: latency samples and CPU over a window. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { WindowResult } from '../types.js';

/** Latency samples in milliseconds, kept in a preallocated buffer (no allocation per sample). */
export class LatencyRecorder {
  #samples: Float64Array;
  #count = 0;

  constructor(capacity = 1 << 21) {
    this.#samples = new Float64Array(capacity);
  }

  record(milliseconds: number): void {
    if (this.#count < this.#samples.length) this.#samples[this.#count++] = milliseconds;
  }

  reset(): void {
    this.#count = 0;
  }

  get count(): number {
    return this.#count;
  }

  /** Nearest-rank percentiles (q in 0..1) of the samples so far; NaN when there are none. */
  percentiles(...quantiles: number[]): number[] {
    if (this.#count === 0) return quantiles.map(() => Number.NaN);
    const sorted = this.#samples.slice(0, this.#count).sort();
    return quantiles.map((q) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]);
  }
}

let clockTicksPerSecond: number | undefined;

function ticksPerSecond(): number {
  if (clockTicksPerSecond === undefined) {
    try {
      clockTicksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicksPerSecond = 100;
    }
  }
  return clockTicksPerSecond;
}

/** User + system CPU seconds of another process, from /proc (Linux); undefined elsewhere. */
function processCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name start at field 3 (state); utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond();
  } catch {
    return undefined;
  }
}

/**
 * Busy CPU seconds from /proc/stat: the whole machine first, then each core (`cpu0`, `cpu1`, …);
 * undefined where there is no /proc.
 */
function busySeconds(): number[] | undefined {
  try {
    const perTick = 1 / ticksPerSecond();
    return readFileSync('/proc/stat', 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('cpu'))
      .map((line) => {
        const ticks = line.trim().split(/\s+/).slice(1).map(Number);
        // user nice system idle iowait irq softirq steal (guest time is already inside user).
        const busy = ticks.slice(0, 8).reduce((sum, value) => sum + value, 0) - ticks[3] - ticks[4];
        return busy * perTick;
      });
  } catch {
    return undefined;
  }
}

/** CPU seconds of several processes together; undefined when any of them cannot be read. */
function processesCpuSeconds(pids: readonly number[]): number | undefined {
  let total = 0;
  for (const pid of pids) {
    const seconds = processCpuSeconds(pid);
    if (seconds === undefined) return undefined;
    total += seconds;
  }
  return pids.length === 0 ? undefined : total;
}

/** Wall time, own CPU, the servers' CPU (and Redis's, when given) between start() and stop(). */
export class MeasureWindow {
  #serverPids: readonly number[];
  #redisPid: number | undefined;
  #startedAt = 0;
  #ownCpu: NodeJS.CpuUsage = { user: 0, system: 0 };
  #serverCpu: number | undefined;
  #redisCpu: number | undefined;
  #busy: number[] | undefined;

  constructor(target: { serverPids: readonly number[]; redisPid?: number }) {
    this.#serverPids = target.serverPids;
    this.#redisPid = target.redisPid;
  }

  start(): void {
    this.#startedAt = performance.now();
    this.#ownCpu = process.cpuUsage();
    this.#serverCpu = processesCpuSeconds(this.#serverPids);
    this.#redisCpu = processCpuSeconds(this.#redisPid);
    this.#busy = busySeconds();
  }

  stop(): WindowResult {
    const elapsedMs = performance.now() - this.#startedAt;
    const own = process.cpuUsage(this.#ownCpu);
    const serverNow = processesCpuSeconds(this.#serverPids);
    const redisNow = processCpuSeconds(this.#redisPid);
    const busyNow = busySeconds();
    const busyBefore = this.#busy;
    const busy =
      busyNow && busyBefore && busyNow.length === busyBefore.length
        ? busyNow.map((value, index) => (value - busyBefore[index]) / (elapsedMs / 1000))
        : undefined;
    const seconds = elapsedMs / 1000;
    const perSecond = (now: number | undefined, before: number | undefined) =>
      now !== undefined && before !== undefined ? (now - before) / seconds : null;
    return {
      elapsedMs,
      loadCpu: (own.user + own.system) / 1e6 / seconds,
      serverCpu: perSecond(serverNow, this.#serverCpu),
      redisCpu: perSecond(redisNow, this.#redisCpu),
      machineCpu: busy ? busy[0] : null,
      coreBusy: busy ? busy.slice(1) : null,
    };
  }
}
