/** Turning the soak's memory samples into a verdict: the least-squares slope and a small table. */

export interface MemorySample {
  /** Since the load started. */
  elapsedMs: number;
  rssMiB: number;
  heapMiB: number;
  /** What V8 has reserved for its heap: above heapMiB by the free space the heap keeps. */
  heapTotalMiB: number;
  /** Memory outside the JS heap held by JS objects (Buffers, mostly): a leak of buffers shows here. */
  externalMiB: number;
  /** Socket.IO connections open on the server. */
  serverConnected: number;
  /** Socket.IO connections the server has accepted since it started. */
  serverOpened: number;
}

const MIB = 1024 * 1024;

export function toMiB(bytes: number): number {
  return bytes / MIB;
}

/**
 * Least-squares slope of `y` against `x` (same units as y per unit of x), or NaN with fewer
 * than two distinct x values.
 */
export function leastSquaresSlope(points: ReadonlyArray<{ x: number; y: number }>): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  let sumX = 0;
  let sumY = 0;
  for (const { x, y } of points) {
    sumX += x;
    sumY += y;
  }
  const meanX = sumX / n;
  const meanY = sumY / n;
  let covariance = 0;
  let varianceX = 0;
  for (const { x, y } of points) {
    covariance += (x - meanX) * (y - meanY);
    varianceX += (x - meanX) ** 2;
  }
  return varianceX === 0 ? Number.NaN : covariance / varianceX;
}

export interface Slopes {
  /** MiB per minute over the second half of the run (the first half is warm-up). */
  rssMiBPerMinute: number;
  heapMiBPerMinute: number;
  /** Samples the slope was fitted on. */
  samples: number;
}

/** Slopes over the samples taken in the second half of a run of `durationMs`. */
export function secondHalfSlopes(samples: readonly MemorySample[], durationMs: number): Slopes {
  const late = samples.filter((sample) => sample.elapsedMs >= durationMs / 2);
  const perMinute = (pick: (sample: MemorySample) => number) =>
    leastSquaresSlope(late.map((sample) => ({ x: sample.elapsedMs / 60_000, y: pick(sample) })));
  return {
    rssMiBPerMinute: perMinute((sample) => sample.rssMiB),
    heapMiBPerMinute: perMinute((sample) => sample.heapMiB),
    samples: late.length,
  };
}

/** About `rows` samples spread evenly over the run, always the first and the last. */
export function pickRows<T>(samples: readonly T[], rows: number): T[] {
  if (samples.length <= rows) return [...samples];
  const picked: T[] = [];
  for (let row = 0; row < rows; row++) picked.push(samples[Math.round((row * (samples.length - 1)) / (rows - 1))]);
  return picked;
}

function pad(text: string, width: number): string {
  return text.padStart(width);
}

/** A fixed-width table of RSS and heap over time. */
export function renderSamples(samples: readonly MemorySample[], rows = 12): string {
  const header = ['time', 'server sockets', 'opened so far', 'RSS MiB', 'heap MiB', 'heap total MiB', 'external MiB'];
  const lines = pickRows(samples, rows).map((sample) => [
    `${(sample.elapsedMs / 1000).toFixed(sample.elapsedMs < 10_000 ? 1 : 0)} s`,
    sample.serverConnected.toLocaleString('en-US'),
    sample.serverOpened.toLocaleString('en-US'),
    sample.rssMiB.toFixed(1),
    sample.heapMiB.toFixed(1),
    sample.heapTotalMiB.toFixed(1),
    sample.externalMiB.toFixed(1),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column].length)));
  return [header, ...lines].map((line) => line.map((cell, column) => pad(cell, widths[column])).join('  ')).join('\n');
}

export function formatSlope(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return `${value >= 0 ? '+' : ''}${value.toFixed(2)} MiB/min`;
}
