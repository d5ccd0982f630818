/**
 * Runs the whole harness (but the cluster workloads) at smoke scale (a few clients, sub-second phases) against socket.io
 * and the ws floor, and Parley when its package can be imported. It checks that every
 * workload produces figures, never how large they are: this is not a timed test.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildConfig, CLUSTER_WORKLOAD_IDS, WORKLOAD_IDS } from '../src/config.js';
import { METRICS } from '../src/metrics.js';
import { BENCH_ROOT } from '../src/paths.js';
import { renderMarkdown } from '../src/report.js';
import { runSuite, type SuiteResult } from '../src/suite.js';

describe('benchmark harness at smoke scale', () => {
  let result: SuiteResult;

  beforeAll(async () => {
    // The servers and the load generator run as compiled child processes.
    execFileSync(process.execPath, [join(BENCH_ROOT, 'scripts', 'build.mjs')], { stdio: 'inherit' });
    // The cluster workloads need Redis: cluster.test.ts runs them.
    const workloads = WORKLOAD_IDS.filter((id) => !CLUSTER_WORKLOAD_IDS.includes(id));
    result = await runSuite(buildConfig({ scale: 'quick', warmupMs: 200, durationMs: 500, workloads }));
  }, 180_000);

  it('runs socket.io and the ws floor, and runs Parley unless it cannot be imported yet', () => {
    expect(result.servers).toContain('socket.io');
    expect(result.servers).toContain('ws');
    const parleySkipped = result.skipped.find((entry) => entry.server === 'parley');
    if (parleySkipped) expect(parleySkipped.reason).toMatch(/cannot import/);
    else expect(result.servers).toContain('parley');
    expect(result.runs).toHaveLength(result.workloads.length * result.servers.length);
  });

  it('gets non-zero figures from every workload on every server that ran', () => {
    expect(result.workloads.map((spec) => spec.id)).toEqual([
      'fanout',
      'fanout-large',
      'echo',
      'handshakes',
      'idle-memory',
      'polling-echo',
    ]);
    for (const run of result.runs) {
      const spec = result.workloads.find((workload) => workload.id === run.workload)!;
      const where = `${run.workload} on ${run.server}`;
      expect(run.error, where).toBeUndefined();
      // Per-server-core figures are left out when the server's CPU reading is too small to divide by.
      for (const metric of METRICS[spec.kind].filter((descriptor) => !descriptor.perServerCoreOf)) {
        if (metric.key === 'rssPerConnKiB') {
          // A few dozen connections move RSS less than the allocator's own noise: only the total must show.
          expect(run.metrics[metric.key], `${where}: ${metric.key}`).toBeTypeOf('number');
          expect(run.metrics.serverRssMiB, `${where}: serverRssMiB`).toBeGreaterThan(0);
        } else {
          expect(run.metrics[metric.key], `${where}: ${metric.key}`).toBeGreaterThan(0);
        }
      }
      expect(run.loadCpu, `${where}: load generator CPU`).toBeGreaterThan(0);
    }
  });

  it('renders one table row per metric with every server column', () => {
    const markdown = renderMarkdown(result);
    expect(markdown).toContain(
      '| workload | metric | Parley | socket.io | ws (floor) | Parley ÷ socket.io | Parley ÷ floor | target |',
    );
    const rows = markdown.split('\n').filter((line) => line.startsWith('| fan-out, 20 clients | deliveries/s |'));
    expect(rows).toHaveLength(1);
    expect(result.machine.cores).toBeGreaterThan(0);
    expect(markdown).toContain(result.machine.node);
  });
});
