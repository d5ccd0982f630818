/** Which figures each workload reports, how to read them, and the targets set for them (issues 15 and 17). */
import type { WorkloadKind } from './types.js';

export interface MetricDescriptor {
  key: string;
  label: string;
  better: 'higher' | 'lower';
  /**
   * Computed by the orchestrator from another metric: throughput per CPU-second the server
   * actually got, which stays meaningful when other processes take part of the server's core.
   */
  perServerCoreOf?: string;
  /** Target for Parley ÷ socket.io, e.g. `{ op: '>=', ratio: 5 }`. */
  target?: RatioTarget;
  /** Target for Parley ÷ the `ws` floor. */
  floorTarget?: RatioTarget;
}

export interface RatioTarget {
  op: '>=' | '<=';
  ratio: number;
}

function fanoutMetrics(deliveriesTarget: number, p99Target: number): readonly MetricDescriptor[] {
  return [
    { key: 'deliveriesPerSec', label: 'deliveries/s', better: 'higher', target: { op: '>=', ratio: deliveriesTarget } },
    {
      key: 'deliveriesPerServerCore',
      label: 'deliveries per server CPU-second',
      better: 'higher',
      perServerCoreOf: 'deliveriesPerSec',
    },
    { key: 'p50Ms', label: 'delivery latency p50 (ms)', better: 'lower' },
    { key: 'p99Ms', label: 'delivery latency p99 (ms)', better: 'lower', target: { op: '<=', ratio: p99Target } },
  ];
}

export const METRICS: Readonly<Record<WorkloadKind, readonly MetricDescriptor[]>> = {
  fanout: fanoutMetrics(10, 0.15),
  // Issue 15: across three nodes and Redis, with or without crash recovery.
  'fanout-cluster': fanoutMetrics(8, 0.2),
  echo: [
    {
      key: 'acksPerSec',
      label: 'acks/s',
      better: 'higher',
      target: { op: '>=', ratio: 2 },
      floorTarget: { op: '>=', ratio: 0.95 },
    },
    { key: 'acksPerServerCore', label: 'acks per server CPU-second', better: 'higher', perServerCoreOf: 'acksPerSec' },
    { key: 'p50Ms', label: 'round trip p50 (ms)', better: 'lower' },
    { key: 'p99Ms', label: 'round trip p99 (ms)', better: 'lower' },
  ],
  handshakes: [
    {
      key: 'connectionsPerSec',
      label: 'connections/s',
      better: 'higher',
      target: { op: '>=', ratio: 1.8 },
      floorTarget: { op: '>=', ratio: 0.9 },
    },
    {
      key: 'connectionsPerServerCore',
      label: 'connections per server CPU-second',
      better: 'higher',
      perServerCoreOf: 'connectionsPerSec',
    },
    { key: 'p50Ms', label: 'handshake time p50 (ms)', better: 'lower' },
  ],
  'idle-memory': [
    { key: 'rssPerConnKiB', label: 'RSS per connection (KiB)', better: 'lower', target: { op: '<=', ratio: 0.55 } },
    {
      key: 'heapPerConnKiB',
      label: 'heap per connection (KiB)',
      better: 'lower',
      floorTarget: { op: '<=', ratio: 1.3 },
    },
  ],
  'polling-echo': [
    { key: 'acksPerSec', label: 'acks/s', better: 'higher', target: { op: '>=', ratio: 1.6 } },
    { key: 'acksPerServerCore', label: 'acks per server CPU-second', better: 'higher', perServerCoreOf: 'acksPerSec' },
    { key: 'p50Ms', label: 'round trip p50 (ms)', better: 'lower' },
  ],
};

/** Three significant digits, thousands as k and millions as M: 512k, 1.23M, 4.56. */
export function formatFigure(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e6) return `${Number((value / 1e6).toPrecision(3))}M`;
  if (magnitude >= 1e4) return `${Number((value / 1e3).toPrecision(3))}k`;
  if (magnitude >= 1000) return Math.round(value).toLocaleString('en-US');
  return String(Number(value.toPrecision(3)));
}
