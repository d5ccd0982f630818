/** The scaling report: per-count figures, least-squares slopes, and the chart they come from. */
import { formatFigure } from '../metrics.js';
import { spreadOf } from '../report.js';
import type { SuiteResult } from '../suite.js';
import { SERVER_LABELS, type ServerKind } from '../types.js';
import { type Panel, renderChart } from './chart.js';
import { fitLine, type LineFit, type Point } from './fit.js';
import { fanoutId, idleId } from './run.js';

const COLORS: Readonly<Record<ServerKind, string>> = { parley: '#1f6feb', 'socket.io': '#d1242f', ws: '#6e7781' };

export interface ScalingSeries {
  server: ServerKind;
  /** Idle: server RSS above its baseline, MiB, against connections. */
  idleRssMiB: Point[];
  /** Idle: V8 heap used above its baseline, MiB, against connections. */
  idleHeapMiB: Point[];
  fanoutDeliveriesPerSec: Point[];
  fanoutP99Ms: Point[];
}

/** The medians per client count, per server. */
export function scalingSeries(result: SuiteResult): ScalingSeries[] {
  const counts = [...new Set(result.workloads.map((spec) => spec.clients))].sort((a, b) => a - b);
  return result.servers.map((server) => {
    const median = (workload: string, read: (metrics: Record<string, number>) => number) =>
      spreadOf(
        result.runs
          .filter((run) => run.workload === workload && run.server === server && !run.error)
          .map((run) => read(run.metrics)),
      )?.median;
    const series = (workload: (n: number) => string, read: (metrics: Record<string, number>) => number): Point[] =>
      counts
        .map((x) => ({ x, y: median(workload(x), read) ?? Number.NaN }))
        .filter((point) => Number.isFinite(point.y));
    const totalMiB = (perConnectionKiB: number, connected: number) => (perConnectionKiB * connected) / 1024;
    return {
      server,
      idleRssMiB: series(idleId, (m) => totalMiB(m.rssPerConnKiB, m.connected)),
      idleHeapMiB: series(idleId, (m) => totalMiB(m.heapPerConnKiB, m.connected)),
      fanoutDeliveriesPerSec: series(fanoutId, (m) => m.deliveriesPerSec),
      fanoutP99Ms: series(fanoutId, (m) => m.p99Ms),
    };
  });
}

export function renderScalingSvg(result: SuiteResult): string {
  const all = scalingSeries(result);
  const panel = (title: string, yLabel: string, pick: (series: ScalingSeries) => Point[]): Panel => ({
    title,
    xLabel: 'connected clients',
    yLabel,
    series: all.map((series) => ({
      name: SERVER_LABELS[series.server],
      color: COLORS[series.server],
      points: pick(series),
    })),
  });
  return renderChart(
    [
      panel('Idle memory above baseline', 'server RSS (MiB)', (series) => series.idleRssMiB),
      panel('Fan-out throughput', 'deliveries/s', (series) => series.fanoutDeliveriesPerSec),
      panel('Fan-out delivery latency', 'p99 (ms)', (series) => series.fanoutP99Ms),
    ],
    `bench/results/scaling.md, run of ${result.startedAt.slice(0, 16).replace('T', ' ')} UTC`,
  );
}

function slopeCell(fit: LineFit | undefined, scale: number, unit: string): string {
  if (!fit) return 'n/a';
  const r2 = Number.isNaN(fit.r2) ? '' : ` (r² ${fit.r2.toFixed(2)})`;
  const slope = fit.slope * scale;
  return `${slope > 0 ? '+' : ''}${formatFigure(slope)} ${unit}${r2}`;
}

export function renderScalingMarkdown(result: SuiteResult): string {
  const all = scalingSeries(result);
  const counts = [...new Set(result.workloads.map((spec) => spec.clients))].sort((a, b) => a - b);
  const first = result.workloads[0];
  const lines = [
    '# How cost grows with connections',
    '',
    `Run of ${result.startedAt.slice(0, 16).replace('T', ' ')} UTC (${result.scale} scale, ${result.repetitions} ` +
      `repetition${result.repetitions === 1 ? '' : 's'} per point, each run in a fresh server process` +
      `${first ? `; fan-out ${first.warmupMs / 1000} s warm-up then ${first.durationMs / 1000} s measured` : ''}). ` +
      `Machine: ${result.machine.cpuModel}, ${result.machine.cores} cores, Node ${result.machine.node}; ` +
      `${result.notes.join('; ')}.`,
    '',
    '![Idle memory, fan-out throughput and latency against connected clients](scaling.svg)',
    '',
    'Fan-out: one sender keeps 16 `chat message` broadcasts in flight to every connected client (as the ' +
      '`fanout` workload). Idle memory: server RSS and V8 heap after a full GC, minus the same before any client.',
    '',
    '## Slopes (least squares over the points)',
    '',
    '| server | idle RSS per connection | idle heap per connection | fan-out deliveries/s per 1,000 more clients | fan-out p99 per 1,000 more clients |',
    '|---|---:|---:|---:|---:|',
  ];
  for (const series of all) {
    lines.push(
      `| ${SERVER_LABELS[series.server]} | ${slopeCell(fitLine(series.idleRssMiB), 1024, 'KiB')} | ` +
        `${slopeCell(fitLine(series.idleHeapMiB), 1024, 'KiB')} | ` +
        `${slopeCell(fitLine(series.fanoutDeliveriesPerSec), 1000, '/s')} | ` +
        `${slopeCell(fitLine(series.fanoutP99Ms), 1000, 'ms')} |`,
    );
  }
  lines.push(
    '',
    'A flat deliveries/s line means each delivery costs the same however many clients there are; the p99 then ' +
      'grows in proportion to the clients, since every broadcast has that many copies to write.',
    '',
    '## Points (medians)',
    '',
    `| clients | ${all.map((s) => `${SERVER_LABELS[s.server]} idle RSS (MiB) | ${SERVER_LABELS[s.server]} deliveries/s | ${SERVER_LABELS[s.server]} p99 (ms)`).join(' | ')} |`,
    `|---:|${all.map(() => '---:|---:|---:').join('|')}|`,
  );
  const at = (points: Point[], x: number) => {
    const point = points.find((p) => p.x === x);
    return point ? formatFigure(point.y) : 'n/a';
  };
  for (const x of counts) {
    const cells = all.map(
      (s) => `${at(s.idleRssMiB, x)} | ${at(s.fanoutDeliveriesPerSec, x)} | ${at(s.fanoutP99Ms, x)}`,
    );
    lines.push(`| ${x.toLocaleString('en-US')} | ${cells.join(' | ')} |`);
  }
  const failures = result.runs.filter((run) => run.error);
  if (result.skipped.length > 0 || failures.length > 0) {
    lines.push('', 'Skipped or failed:', '');
    for (const { server, reason } of result.skipped) lines.push(`- ${SERVER_LABELS[server]}: ${reason}`);
    for (const run of failures) lines.push(`- ${run.workload} · ${SERVER_LABELS[run.server]}: ${run.error}`);
  }
  const bound = result.runs.filter((run) => run.loadBound);
  if (bound.length > 0) {
    lines.push(
      '',
      `${bound.length} of ${result.runs.length} runs were load-bound (the load generator's core over ` +
        `${Math.round(result.loadBoundThreshold * 100)}% busy): their throughput understates the server.`,
    );
  }
  return `${lines.join('\n')}\n`;
}
