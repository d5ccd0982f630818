import { describe, expect, it } from 'vitest';
import { describeLeft, estimateRunMs, ProgressClock } from '../src/progress.js';
import type { WorkloadSpec } from '../src/types.js';

const spec = (clients: number): WorkloadSpec => ({
  id: 'echo',
  kind: 'echo',
  label: 'echo',
  clients,
  inFlight: 16,
  warmupMs: 1_000,
  durationMs: 5_000,
});

describe('progress line', () => {
  it('numbers the run about to start and forecasts from the configured phases first', () => {
    const clock = new ProgressClock([60_000, 60_000, 60_000]);
    expect(clock.line('echo · Parley · rep 1/3')).toBe('[1/3] echo · Parley · rep 1/3 · about 3 min left');
  });

  it('scales the remaining estimate by the pace of the runs already done', () => {
    const clock = new ProgressClock([60_000, 60_000, 60_000]);
    clock.finished(60_000, 120_000); // twice as slow as planned
    expect(clock.leftMs()).toBe(240_000);
    expect(clock.line('x')).toBe('[2/3] x · about 4 min left');
    clock.finished(60_000, 120_000);
    clock.finished(60_000, 120_000);
    expect(clock.leftMs()).toBe(0);
  });

  it('counts larger workloads as longer runs and says seconds under a minute', () => {
    expect(estimateRunMs(spec(10_000))).toBeGreaterThan(estimateRunMs(spec(200)));
    expect(describeLeft(12_400)).toBe('about 12 s left');
    expect(describeLeft(0)).toBe('about 1 s left');
  });
});
