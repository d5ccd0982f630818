/**
 * The cluster workloads (issue 15) at smoke scale: three server processes per server through
 * Redis, socket.io with @socket.io/redis-adapter and Parley with @parley/redis-adapter (recovery
 * off, connectionStateRecovery, crashRecovery). It checks that deliveries were counted and that
 * every client received every broadcast, never how fast. Needs Redis at 127.0.0.1:6379: skipped
 * with a warning locally when it is absent, a failure under CI.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { describeWith } from '../../packages/server/test/support/needs.js';
import { buildConfig, CLUSTER_WORKLOAD_IDS } from '../src/config.js';
import { BENCH_ROOT } from '../src/paths.js';
import { renderMarkdown } from '../src/report.js';
import { runSuite, type SuiteResult } from '../src/suite.js';
import { redisNeed } from './redis-need.js';

describeWith(await redisNeed())('cluster fan-out workloads at smoke scale', () => {
  let result: SuiteResult;

  beforeAll(async () => {
    // The servers and the load generator run as compiled child processes.
    execFileSync(process.execPath, [join(BENCH_ROOT, 'scripts', 'build.mjs')], { stdio: 'inherit' });
    result = await runSuite(
      buildConfig({
        scale: 'quick',
        warmupMs: 200,
        durationMs: 500,
        workloads: [...CLUSTER_WORKLOAD_IDS],
        servers: ['socket.io', 'parley'],
      }),
    );
  }, 240_000);

  it('runs socket.io without recovery and Parley in all three recovery configurations', () => {
    const parleySkipped = result.skipped.find((entry) => entry.server === 'parley');
    if (parleySkipped) expect(parleySkipped.reason).toMatch(/cannot import/);
    const ran = result.runs.map((run) => `${run.workload} ${run.server}`);
    const expected = ['fanout-cluster socket.io'];
    if (!parleySkipped) {
      expected.push('fanout-cluster parley', 'fanout-cluster-recovery parley', 'fanout-cluster-crash parley');
    }
    expect(ran.sort()).toEqual(expected.sort());
  });

  it('counts deliveries over three nodes, and every client receives every broadcast', () => {
    for (const run of result.runs) {
      const where = `${run.workload} on ${run.server}`;
      expect(run.error, where).toBeUndefined();
      expect(run.metrics.deliveriesPerSec, where).toBeGreaterThan(0);
      expect(run.metrics.p99Ms, where).toBeGreaterThan(0);
      expect(run.metrics.broadcastsSent, where).toBeGreaterThan(0);
      expect(run.metrics.clientsMissingBroadcasts, where).toBe(0);
      expect(run.metrics.extraDeliveries, where).toBe(0);
      expect(run.metrics.droppedClients, where).toBe(0);
      expect(run.serverCpu, `${where}: the three nodes' CPU`).toBeGreaterThan(0);
    }
  });

  it("reports the recovery rows against socket.io's figures without recovery", () => {
    const markdown = renderMarkdown(result);
    expect(markdown).toContain('| fan-out, 3 nodes + Redis, 30 clients, no recovery | deliveries/s |');
    if (result.servers.includes('parley')) {
      const crashRow = markdown
        .split('\n')
        .find((line) =>
          line.startsWith('| fan-out, 3 nodes + Redis, 30 clients, Parley with crashRecovery | deliveries/s |'),
        );
      expect(crashRow).toContain('‡');
      expect(crashRow).toMatch(/\d+\.\d+x/);
    }
  });
});
