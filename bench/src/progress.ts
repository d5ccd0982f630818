/**
 * The suite's progress line: which run starts, out of how many, and about how long is left.
 *
 * Before the first run finishes, the time left comes from the configured phases alone (warm-up,
 * measured window, a connection allowance); afterwards those estimates are scaled by how long the
 * finished runs really took against their own estimates, so slow connects or a busy machine
 * lengthen the forecast instead of leaving it stuck.
 */
import type { WorkloadSpec } from './types.js';

/** Fixed cost of a run besides its phases: server start, probe, teardown. */
const RUN_OVERHEAD_MS = 2_000;
/** Connection allowance per client (handshakes plus closing them afterwards). */
const PER_CLIENT_MS = 0.6;

/** What a run should take from its configuration alone. */
export function estimateRunMs(spec: WorkloadSpec): number {
  return RUN_OVERHEAD_MS + spec.warmupMs + spec.durationMs + spec.clients * PER_CLIENT_MS;
}

export class ProgressClock {
  readonly #total: number;
  #estimatedLeftMs: number;
  #done = 0;
  #doneEstimatedMs = 0;
  #doneActualMs = 0;

  /** `plannedMs` is the estimate of every run of the suite, in order. */
  constructor(plannedMs: readonly number[]) {
    this.#total = plannedMs.length;
    this.#estimatedLeftMs = plannedMs.reduce((sum, ms) => sum + ms, 0);
  }

  /** Records a finished run: its estimate and the time it actually took. */
  finished(estimatedMs: number, actualMs: number): void {
    this.#done++;
    this.#estimatedLeftMs -= estimatedMs;
    this.#doneEstimatedMs += estimatedMs;
    this.#doneActualMs += actualMs;
  }

  /** Milliseconds the remaining runs should take, corrected by the pace so far. */
  leftMs(): number {
    const pace = this.#doneEstimatedMs > 0 ? this.#doneActualMs / this.#doneEstimatedMs : 1;
    return Math.max(0, this.#estimatedLeftMs * pace);
  }

  /** `[7/54] echo, 200 clients · Parley · rep 2/3 · about 6 min left` for the run about to start. */
  line(what: string): string {
    return `[${this.#done + 1}/${this.#total}] ${what} · ${describeLeft(this.leftMs())}`;
  }
}

export function describeLeft(ms: number): string {
  if (ms < 60_000) return `about ${Math.max(1, Math.round(ms / 1000))} s left`;
  return `about ${Math.round(ms / 60_000)} min left`;
}
