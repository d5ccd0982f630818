/**
 * The scaling mode at smoke scale: fan-out and idle memory at two small client counts for
 * socket.io and Parley, fitted and charted. Checks that every point, slope and chart line is
 * there, never how large the figures are.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BENCH_ROOT } from '../src/paths.js';
import { fitLine } from '../src/scaling/fit.js';
import { renderScalingMarkdown, renderScalingSvg, scalingSeries } from '../src/scaling/report.js';
import { feasibleCounts, runScaling } from '../src/scaling/run.js';
import type { SuiteResult } from '../src/suite.js';

describe('least-squares line', () => {
  it('recovers the slope and intercept of points on a line, and needs two distinct x', () => {
    const fit = fitLine([
      { x: 1000, y: 8 },
      { x: 5000, y: 40 },
      { x: 10000, y: 80 },
    ]);
    expect(fit?.slope).toBeCloseTo(0.008, 10);
    expect(fit?.intercept).toBeCloseTo(0, 8);
    expect(fit?.r2).toBeCloseTo(1, 10);
    expect(fitLine([{ x: 1, y: 1 }])).toBeUndefined();
    expect(
      fitLine([
        { x: 1, y: 1 },
        { x: 1, y: 2 },
      ]),
    ).toBeUndefined();
  });
});

describe('client counts the machine allows', () => {
  it('lowers counts the open-file limit cannot hold to the largest whole thousand it can', () => {
    expect(feasibleCounts([1_000, 5_000, 10_000, 20_000], 20_000)).toEqual({
      counts: [1_000, 5_000, 10_000, 18_000],
      note: 'counts above 18,000 lowered to 18,000: the hard open-file limit is 20,000',
    });
    expect(feasibleCounts([1_000, 20_000], 1_048_576)).toEqual({ counts: [1_000, 20_000] });
    expect(feasibleCounts([1_000, 20_000], undefined)).toEqual({ counts: [1_000, 20_000] });
  });
});

describe('scaling at smoke scale', () => {
  let result: SuiteResult;

  beforeAll(async () => {
    execFileSync(process.execPath, [join(BENCH_ROOT, 'scripts', 'build.mjs')], { stdio: 'inherit' });
    result = await runScaling({
      quick: true,
      counts: [10, 30],
      servers: ['socket.io', 'parley'],
      repetitions: 1,
      warmupMs: 200,
      durationMs: 400,
      sourceAddressCount: undefined,
      pin: true,
      outDir: undefined,
    });
  }, 180_000);

  it('measures fan-out and idle memory at every count on every server that ran', () => {
    expect(result.servers).toContain('socket.io');
    expect(result.runs).toHaveLength(4 * result.servers.length);
    for (const run of result.runs) expect(run.error, `${run.workload} on ${run.server}`).toBeUndefined();
    for (const series of scalingSeries(result)) {
      expect(series.idleRssMiB.map((point) => point.x)).toEqual([10, 30]);
      expect(series.fanoutDeliveriesPerSec.map((point) => point.x)).toEqual([10, 30]);
      for (const point of series.fanoutDeliveriesPerSec) expect(point.y).toBeGreaterThan(0);
      for (const point of series.fanoutP99Ms) expect(point.y).toBeGreaterThan(0);
    }
  });

  it('writes the slopes and an SVG chart with one line per server in each panel', () => {
    const markdown = renderScalingMarkdown(result);
    expect(markdown).toContain('![Idle memory, fan-out throughput and latency against connected clients](scaling.svg)');
    for (const server of result.servers) {
      const label = server === 'parley' ? 'Parley' : server;
      expect(markdown).toMatch(new RegExp(`\\| ${label} \\| [+-]?[\\d.,k]+ KiB`));
    }
    const svg = renderScalingSvg(result);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<path d="M/g)).toHaveLength(3 * result.servers.length);
    expect(svg).not.toContain('NaN');
  });
});
