/** Medians, spreads, ratios, and the markdown report of a suite run. */
import { formatFigure, METRICS, type MetricDescriptor, type RatioTarget } from './metrics.js';
import type { SuiteResult } from './suite.js';
import { type RunRecord, SERVER_LABELS, type ServerKind, type WorkloadSpec } from './types.js';

/** Report columns, always in this order; a server that did not run shows why. */
const COLUMNS: readonly ServerKind[] = ['parley', 'socket.io', 'ws'];
const LOAD_BOUND_MARK = '†';
/** Marks socket.io figures borrowed from another workload (a configuration socket.io cannot run). */
const REFERENCE_MARK = '‡';

export interface Spread {
  median: number;
  min: number;
  max: number;
  samples: number;
}

export function spreadOf(values: number[]): Spread | undefined {
  const finite = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length === 0) return undefined;
  const middle = finite.length >> 1;
  const median = finite.length % 2 === 1 ? finite[middle] : (finite[middle - 1] + finite[middle]) / 2;
  return { median, min: finite[0], max: finite[finite.length - 1], samples: finite.length };
}

export interface MetricSummary {
  workload: string;
  label: string;
  metric: MetricDescriptor;
  byServer: Partial<Record<ServerKind, Spread>>;
  loadBound: Partial<Record<ServerKind, boolean>>;
  /** Parley median ÷ socket.io median, when both ran. */
  ratio: number | undefined;
  /** Parley median ÷ the `ws` floor's median, when both ran. */
  floorRatio: number | undefined;
  floorTargetMet: boolean | undefined;
  /** The workload socket.io's figures come from, when it did not run this one. */
  socketIoFrom: string | undefined;
  targetMet: boolean | undefined;
}

function runsOf(result: SuiteResult, spec: WorkloadSpec, server: ServerKind): RunRecord[] {
  return result.runs.filter((run) => run.workload === spec.id && run.server === server && !run.error);
}

/** Whether `server` runs `spec` at all (some workloads are Parley-only, or have no ws floor). */
export function runsWorkload(spec: WorkloadSpec, server: ServerKind): boolean {
  return !spec.servers || spec.servers.includes(server);
}

function ratioOf(value: number | undefined, reference: number | undefined): number | undefined {
  return value !== undefined && reference !== undefined && reference !== 0 ? value / reference : undefined;
}

function meets(ratio: number | undefined, target: RatioTarget | undefined): boolean | undefined {
  if (ratio === undefined || target === undefined) return undefined;
  return target.op === '>=' ? ratio >= target.ratio : ratio <= target.ratio;
}

export function summarize(result: SuiteResult): MetricSummary[] {
  const summaries: MetricSummary[] = [];
  for (const spec of result.workloads) {
    const reference = result.workloads.find((workload) => workload.id === spec.socketIoReference);
    for (const metric of METRICS[spec.kind]) {
      const byServer: MetricSummary['byServer'] = {};
      const loadBound: MetricSummary['loadBound'] = {};
      let socketIoFrom: string | undefined;
      for (const server of result.servers) {
        let source = spec;
        if (!runsWorkload(spec, server)) {
          if (server !== 'socket.io' || !reference) continue;
          source = reference;
          socketIoFrom = reference.id;
        }
        const runs = runsOf(result, source, server);
        const spread = spreadOf(runs.map((run) => run.metrics[metric.key]));
        if (spread) byServer[server] = spread;
        loadBound[server] = runs.some((run) => run.loadBound);
      }
      const parley = byServer.parley?.median;
      const socketIo = byServer['socket.io']?.median;
      const ratio = ratioOf(parley, socketIo);
      const floorRatio = ratioOf(parley, byServer.ws?.median);
      summaries.push({
        workload: spec.id,
        label: spec.label,
        metric,
        byServer,
        loadBound,
        ratio,
        floorRatio,
        socketIoFrom,
        targetMet: meets(ratio, metric.target),
        floorTargetMet: meets(floorRatio, metric.floorTarget),
      });
    }
  }
  return summaries;
}

function figureCell(summary: MetricSummary, server: ServerKind, result: SuiteResult): string {
  if (!result.servers.includes(server)) return 'skipped';
  const spec = result.workloads.find((workload) => workload.id === summary.workload);
  const borrowed = server === 'socket.io' && summary.socketIoFrom !== undefined;
  if (spec && !runsWorkload(spec, server) && !borrowed) return '—';
  const spread = summary.byServer[server];
  if (!spread) return 'error';
  const mark = `${summary.loadBound[server] ? ` ${LOAD_BOUND_MARK}` : ''}${borrowed ? ` ${REFERENCE_MARK}` : ''}`;
  const range = spread.samples > 1 ? ` (${formatFigure(spread.min)}–${formatFigure(spread.max)})` : '';
  return `${formatFigure(spread.median)}${range}${mark}`;
}

function ratioCell(ratio: number | undefined, met: boolean | undefined): string {
  if (ratio === undefined) return '—';
  const figure = `${ratio < 10 ? ratio.toFixed(2) : ratio.toFixed(1)}x`;
  if (met === undefined) return figure;
  return `${figure} ${met ? '✓' : '✗'}`;
}

function targetCell(metric: MetricDescriptor): string {
  const targets: string[] = [];
  if (metric.target) targets.push(`${metric.target.op} ${metric.target.ratio}x`);
  if (metric.floorTarget) targets.push(`floor ${metric.floorTarget.op} ${metric.floorTarget.ratio}x`);
  return targets.join('; ');
}

function cpuTable(result: SuiteResult): string[] {
  const percent = (values: (number | null)[]) => {
    const spread = spreadOf(values.filter((value): value is number => value !== null));
    return spread ? `${Math.round(spread.median * 100)}%` : '?';
  };
  const withRedis = result.workloads.some((spec) => spec.cluster);
  const lines = [
    `| workload | ${COLUMNS.map((server) => SERVER_LABELS[server]).join(' | ')} |${withRedis ? ' Redis |' : ''} other processes |`,
    `|---|${COLUMNS.map(() => '---:').join('|')}|${withRedis ? '---:|' : ''}---:|`,
  ];
  for (const spec of result.workloads) {
    const cells = COLUMNS.map((server) => {
      if (!result.servers.includes(server)) return 'skipped';
      if (!runsWorkload(spec, server)) return '—';
      const runs = runsOf(result, spec, server);
      if (runs.length === 0) return 'error';
      return `${percent(runs.map((run) => run.serverCpu))} / ${percent(runs.map((run) => run.loadCpu))}`;
    });
    const runs = result.runs.filter((run) => run.workload === spec.id && !run.error);
    const redis = withRedis ? ` ${spec.cluster ? percent(runs.map((run) => run.redisCpu ?? null)) : '—'} |` : '';
    lines.push(`| ${spec.label} | ${cells.join(' | ')} |${redis} ${percent(runs.map((run) => run.otherCpu))} |`);
  }
  return lines;
}

function clusterNotes(result: SuiteResult): string[] {
  const cluster = result.workloads.find((spec) => spec.cluster);
  if (!cluster?.cluster) return [];
  const notes = [
    '',
    `Cluster rows (issue 15): ${cluster.cluster.nodes} server processes, all on the server's core, joined through ` +
      'Redis pub/sub (socket.io: `@socket.io/redis-adapter` with `redis` clients; Parley: `@parley/redis-adapter`); ' +
      'clients spread evenly over the nodes, the sender on one of them, and a broadcast counts as done once it ' +
      'reached every node. Server CPU is the nodes together; Redis (unpinned) has its own CPU column.',
  ];
  if (result.workloads.some((spec) => spec.socketIoReference)) {
    notes.push(
      '',
      `${REFERENCE_MARK} socket.io without recovery (its Redis adapter has none), from the row without recovery: ` +
        "the ratio sets Parley's recovery configuration against it.",
    );
  }
  return notes;
}

function seconds(milliseconds: number): string {
  return `${Number((milliseconds / 1000).toPrecision(3))} s`;
}

export function renderMarkdown(result: SuiteResult): string {
  const { machine } = result;
  const first = result.workloads[0];
  const lines: string[] = [
    '# Benchmark results',
    '',
    `Run of ${result.startedAt.slice(0, 16).replace('T', ' ')} UTC, ${result.scale} scale: ${result.repetitions} ` +
      `repetition${result.repetitions === 1 ? '' : 's'} per server, servers alternating run by run, each run in a fresh ` +
      `server process${first ? `, ${seconds(first.warmupMs)} warm-up then ${seconds(first.durationMs)} measured` : ''}.`,
    '',
    `Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB RAM, Node ${machine.node}, ` +
      `${machine.platform}; ${result.notes.join('; ')}.`,
    '',
    'Figures are medians over the repetitions, with the min–max spread in brackets. The ratios are Parley ÷ ' +
      'socket.io and Parley ÷ the `ws` floor, of the medians; the targets are the ones set for those ratios ' +
      '(✓ met, ✗ missed).',
    '',
    `| workload | metric | ${COLUMNS.map((server) => SERVER_LABELS[server]).join(' | ')} | Parley ÷ socket.io | Parley ÷ floor | target |`,
    `|---|---|${COLUMNS.map(() => '---:').join('|')}|---:|---:|---|`,
  ];
  for (const summary of summarize(result)) {
    const cells = COLUMNS.map((server) => figureCell(summary, server, result));
    const ratios = `${ratioCell(summary.ratio, summary.targetMet)} | ${ratioCell(summary.floorRatio, summary.floorTargetMet)}`;
    lines.push(
      `| ${summary.label} | ${summary.metric.label} | ${cells.join(' | ')} | ${ratios} | ${targetCell(summary.metric)} |`,
    );
  }
  lines.push(
    '',
    `${LOAD_BOUND_MARK} load-bound: in at least one repetition the load generator's core was more than ` +
      `${Math.round(result.loadBoundThreshold * 100)}% busy (by the load generator alone, or together with other ` +
      'processes), so the load could not go faster and the figure understates that server. The per server ' +
      'CPU-second rows divide each throughput by the CPU the server actually got, which stays comparable when ' +
      'other processes share the machine.',
    ...clusterNotes(result),
    '',
    'CPU use during the measured window (median, % of one core): server / load generator; the last column is what ' +
      'other processes on the machine used meanwhile (anything well above zero means the figures were disturbed).',
    '',
    ...cpuTable(result),
  );
  if (result.skipped.length > 0) {
    lines.push('', 'Skipped:', '');
    for (const { server, reason } of result.skipped) lines.push(`- ${SERVER_LABELS[server]}: ${reason}`);
  }
  const failures = result.runs.filter((run) => run.error);
  if (failures.length > 0) {
    lines.push('', 'Failed runs:', '');
    for (const run of failures) {
      lines.push(`- ${run.workload} · ${SERVER_LABELS[run.server]} · rep ${run.repetition}: ${run.error}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
