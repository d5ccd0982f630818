import { describe, expect, it } from 'vitest';
import { buildConfig, ConfigError, configFromCommandLine } from '../src/config.js';
import { formatFigure } from '../src/metrics.js';
import { spreadOf } from '../src/report.js';

describe('spreadOf', () => {
  it('gives the median and the min-max of the finite values', () => {
    expect(spreadOf([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3, samples: 3 });
    expect(spreadOf([4, 1, Number.NaN, 2, 3])).toEqual({ median: 2.5, min: 1, max: 4, samples: 4 });
    expect(spreadOf([Number.NaN])).toBeUndefined();
  });
});

describe('formatFigure', () => {
  it('keeps three significant digits with k and M for large values', () => {
    expect(formatFigure(512_345)).toBe('512k');
    expect(formatFigure(1_234_567)).toBe('1.23M');
    expect(formatFigure(6_240.2)).toBe('6,240');
    expect(formatFigure(0.123456)).toBe('0.123');
    expect(formatFigure(Number.NaN)).toBe('n/a');
  });
});

describe('configuration', () => {
  it('uses the issue-8 and issue-15 scales by default and a tiny one with --quick or BENCH_QUICK', () => {
    const full = buildConfig();
    expect(full.repetitions).toBe(3);
    expect(full.workloads.map((spec) => spec.clients)).toEqual([
      1_000, 5_000, 200, 50, 10_000, 200, 1_500, 1_500, 1_500,
    ]);
    const cluster = full.workloads.filter((spec) => spec.cluster);
    expect(cluster.map((spec) => [spec.id, spec.cluster?.nodes, spec.cluster?.recovery])).toEqual([
      ['fanout-cluster', 3, 'off'],
      ['fanout-cluster-recovery', 3, 'state'],
      ['fanout-cluster-crash', 3, 'crash'],
    ]);
    expect(cluster.slice(1).every((spec) => spec.socketIoReference === 'fanout-cluster')).toBe(true);
    expect(full.workloads.every((spec) => spec.inFlight === 16)).toBe(true);
    expect(configFromCommandLine(['--quick'], {}).scale).toBe('quick');
    expect(configFromCommandLine([], { BENCH_QUICK: '1' }).scale).toBe('quick');
    expect(configFromCommandLine([], { npm_config_quick: 'true' }).workloads[0].clients).toBe(20);
  });

  it('takes repetitions, durations, servers and workloads from flags before the environment', () => {
    const config = configFromCommandLine(['--reps', '5', '--duration', '2.5', '--servers', 'ws,socket.io'], {
      BENCH_REPS: '7',
      BENCH_WORKLOADS: 'echo',
    });
    expect(config.repetitions).toBe(5);
    expect(config.servers).toEqual(['ws', 'socket.io']);
    expect(config.workloads).toHaveLength(1);
    expect(config.workloads[0].durationMs).toBe(2_500);
  });

  it('refuses unknown servers, workloads and bad numbers with a coded error', () => {
    expect(() => configFromCommandLine(['--servers', 'nope'], {})).toThrow(ConfigError);
    expect(() => configFromCommandLine(['--workloads', 'nope'], {})).toThrow(ConfigError);
    expect(() => configFromCommandLine(['--reps=0'], {})).toThrow(ConfigError);
  });
});

describe('summarize', () => {
  it('sets Parley against socket.io and against the ws floor, each with its own target', async () => {
    const { summarize } = await import('../src/report.js');
    const echo = buildConfig().workloads.find((spec) => spec.id === 'echo');
    if (!echo) throw new Error('no echo workload');
    const run = (server: string, acksPerSec: number) => ({
      workload: 'echo',
      server,
      metrics: { acksPerSec },
      loadBound: false,
    });
    const result = {
      workloads: [echo],
      servers: ['socket.io', 'parley', 'ws'],
      runs: [run('socket.io', 50_000), run('parley', 96_000), run('ws', 100_000)],
    } as unknown as Parameters<typeof summarize>[0];
    const acks = summarize(result).find((summary) => summary.metric.key === 'acksPerSec');
    expect(acks?.ratio).toBeCloseTo(1.92);
    expect(acks?.targetMet).toBe(false);
    expect(acks?.floorRatio).toBeCloseTo(0.96);
    expect(acks?.floorTargetMet).toBe(true);
  });
});
