/**
 * The soak script at smoke scale: a few hundred clients for a few seconds. It checks that a run
 * reports memory samples and a slope and that the server saw the churn, never how large the
 * figures are: this is not a timed test, and a 3-second slope says nothing about leaks.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BENCH_ROOT } from '../src/paths.js';
import { soakOptions } from '../src/soak/options.js';
import { renderSoakReport } from '../src/soak/report.js';
import { runSoak, type SoakReport } from '../src/soak/run.js';
import { leastSquaresSlope, pickRows, secondHalfSlopes } from '../src/soak/stats.js';

const CONNECTIONS = 300;
const MAIN = join(BENCH_ROOT, 'dist', 'soak', 'main.js');

describe('soak script at smoke scale', () => {
  let report: SoakReport;

  beforeAll(async () => {
    // The server runs as a compiled child process.
    execFileSync(process.execPath, [join(BENCH_ROOT, 'scripts', 'build.mjs')], { stdio: 'inherit' });
    report = await runSoak(
      soakOptions({
        connections: CONNECTIONS,
        durationMs: 3_000,
        sampleMs: 250,
        churnPerSecond: 0.05,
        pollingFraction: 0.2,
        broadcastMs: 50,
        echoPerSecond: 100,
        drainMs: 15_000,
        // Below any slope: the verdict must then be a failure.
        maxSlopeMiBPerMinute: -1e9,
      }),
    );
  }, 90_000);

  it('samples the server memory over the run and fits a slope over its second half', () => {
    expect(report.samples.length).toBeGreaterThanOrEqual(6);
    for (const sample of report.samples) {
      expect(sample.rssMiB).toBeGreaterThan(0);
      expect(sample.heapMiB).toBeGreaterThan(0);
    }
    expect(report.slopes.samples).toBeGreaterThanOrEqual(3);
    expect(Number.isFinite(report.slopes.rssMiBPerMinute)).toBe(true);
    expect(Number.isFinite(report.slopes.heapMiBPerMinute)).toBe(true);
    expect(report.passed).toBe(false);
  });

  it('makes the server see the churn, the broadcasts and the acks', () => {
    const last = report.samples.at(-1)!;
    expect(last.serverOpened).toBeGreaterThan(CONNECTIONS);
    expect(report.clients.churned).toBeGreaterThan(0);
    expect(report.clients.connectionsOpened).toBeGreaterThan(CONNECTIONS);
    // A reconnect may time out on a loaded CI machine; more than 2% of them failing is a fault.
    expect(
      report.clients.connectFailures,
      `failed reconnects (last: ${report.clients.lastConnectError ?? 'none'})`,
    ).toBeLessThanOrEqual(Math.ceil(report.clients.connectionsOpened * 0.02));
    expect(report.clients.deliveries).toBeGreaterThan(0);
    expect(report.clients.acks).toBeGreaterThan(0);
    // Every client closed cleanly at the end, so the server ends with none.
    expect(report.afterClose.serverConnected).toBe(0);
  });

  it('prints the table and the verdict', () => {
    const text = renderSoakReport(report);
    expect(text).toMatch(/time\s+server sockets\s+opened so far\s+RSS MiB\s+heap MiB\s+heap total MiB\s+external MiB/);
    expect(text).toMatch(/Slope over the second half \(\d+ samples\): RSS [+-]\d+\.\d\d MiB\/min/);
    expect(text).toContain('FAILED');
  });
});

describe('soak command line', () => {
  it('exits 2 on a bad flag', () => {
    const result = spawnSync(process.execPath, [MAIN, '--connections', '0'], { encoding: 'utf8', timeout: 15_000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--connections must be a positive integer');
  });

  it('explains an open-file limit too low instead of failing mid-run', () => {
    // Soft and hard limit both: Node would raise a soft limit alone to the hard one by itself.
    const result = spawnSync('sh', ['-c', 'ulimit -n 512 && exec "$@"', 'sh', process.execPath, MAIN], {
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/need about \d+ open files per process, but the limit is 512/);
  });
});

describe('soak statistics', () => {
  it('fits the least-squares slope', () => {
    expect(
      leastSquaresSlope([
        { x: 0, y: 1 },
        { x: 1, y: 3 },
        { x: 2, y: 5 },
      ]),
    ).toBeCloseTo(2);
    expect(
      leastSquaresSlope([
        { x: 0, y: 2 },
        { x: 1, y: 0 },
        { x: 2, y: 2 },
        { x: 3, y: 0 },
      ]),
    ).toBeCloseTo(-0.4);
    expect(leastSquaresSlope([{ x: 1, y: 1 }])).toBeNaN();
    expect(
      leastSquaresSlope([
        { x: 1, y: 1 },
        { x: 1, y: 2 },
      ]),
    ).toBeNaN();
  });

  it('skips the first half of the run, and reports per minute', () => {
    const sample = (seconds: number, rssMiB: number) => ({
      elapsedMs: seconds * 1000,
      rssMiB,
      heapMiB: 1,
      heapTotalMiB: 1,
      externalMiB: 1,
      serverConnected: 0,
      serverOpened: 0,
    });
    // Steep warm-up, then 1 MiB per 30 s.
    const samples = [sample(0, 10), sample(30, 90), sample(60, 100), sample(90, 101), sample(120, 102)];
    const slopes = secondHalfSlopes(samples, 120_000);
    expect(slopes.samples).toBe(3);
    expect(slopes.rssMiBPerMinute).toBeCloseTo(2);
    expect(slopes.heapMiBPerMinute).toBeCloseTo(0);
  });

  it('picks table rows spread over the run, first and last included', () => {
    expect(pickRows([1, 2, 3], 12)).toEqual([1, 2, 3]);
    const rows = pickRows(
      Array.from({ length: 100 }, (_, i) => i),
      5,
    );
    expect(rows).toEqual([0, 25, 50, 74, 99]);
  });
});
