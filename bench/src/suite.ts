/**
 * The orchestrator: for each workload, for each repetition, every server in turn (socket.io,
 * Parley, ws, socket.io, Parley, ws, …), each in a fresh process, driven by one long-lived
 * load generator on the other core.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { SuiteConfig } from './config.js';
import { describeError } from './ipc.js';
import { describeMachine } from './machine.js';
import { formatFigure, METRICS } from './metrics.js';
import { decidePlacement, type Placement } from './placement.js';
import { LoadGenerator, ServerProcess, ServerUnavailableError } from './processes.js';
import { estimateRunMs, ProgressClock } from './progress.js';
import { deleteKeys, probeRedis } from './redis-service.js';
import { clusterCommandLine } from './servers/cluster.js';
import {
  type LoadOptions,
  type MachineInfo,
  type MemorySnapshot,
  type RunRecord,
  SERVER_LABELS,
  type ServerKind,
  type WorkloadSpec,
} from './types.js';

export interface SuiteResult {
  startedAt: string;
  finishedAt: string;
  machine: MachineInfo;
  scale: SuiteConfig['scale'];
  repetitions: number;
  workloads: WorkloadSpec[];
  /** Servers that took part, in run order. */
  servers: ServerKind[];
  /** Servers left out, and why (Parley before its package is built). */
  skipped: { server: ServerKind; reason: string }[];
  loadBoundThreshold: number;
  notes: string[];
  runs: RunRecord[];
}

/** Descriptors beyond the clients themselves: the processes' own files, pipes, sockets. */
const DESCRIPTOR_HEADROOM = 1_024;
/** Tries, and the pause between them, for a server package that vanished after the probe. */
const UNAVAILABLE_ATTEMPTS = 4;
const UNAVAILABLE_RETRY_MS = 5_000;
/** Connections per loopback source address before spreading over more (ephemeral ports run out near 28k). */
const CONNECTIONS_PER_SOURCE_ADDRESS = 25_000;

function sourceAddresses(config: SuiteConfig, maxClients: number): string[] {
  const count =
    config.sourceAddressCount ||
    (maxClients > CONNECTIONS_PER_SOURCE_ADDRESS ? Math.ceil(maxClients / CONNECTIONS_PER_SOURCE_ADDRESS) : 0);
  return Array.from({ length: Math.min(count, 250) }, (_, index) => `127.0.0.${index + 2}`);
}

function loadOptions(config: SuiteConfig, spec: WorkloadSpec, addresses: string[]): LoadOptions {
  return {
    connectConcurrency: config.connectConcurrency,
    sourceAddresses: addresses,
    connectTimeoutMs: 30_000 + spec.clients * 10,
  };
}

/** Which servers can run here: Parley is skipped, with the reason, until its package imports. */
async function probeServers(
  config: SuiteConfig,
  placement: Placement,
  log: (line: string) => void,
): Promise<{ servers: ServerKind[]; skipped: SuiteResult['skipped'] }> {
  const servers: ServerKind[] = [];
  const skipped: SuiteResult['skipped'] = [];
  for (const kind of config.servers) {
    try {
      const server = await ServerProcess.start(kind, placement);
      await server.stop();
      servers.push(kind);
    } catch (error) {
      const reason =
        error instanceof ServerUnavailableError
          ? `cannot import the server package yet (${error.message}); build it with \`npm run build -w @parley/server\``
          : describeError(error);
      skipped.push({ server: kind, reason });
      log(`skipping ${SERVER_LABELS[kind]}: ${reason}`);
    }
  }
  return { servers, skipped };
}

class SuiteRunner {
  #config: SuiteConfig;
  #placement: Placement;
  #addresses: string[];
  #log: (line: string) => void;
  #loadGenerator: LoadGenerator | undefined;
  /** The Redis pid once probed (null: probed, not local); probed before the first cluster run. */
  #redisPid: number | null | undefined;
  #clusterRuns = 0;

  constructor(config: SuiteConfig, placement: Placement, addresses: string[], log: (line: string) => void) {
    this.#config = config;
    this.#placement = placement;
    this.#addresses = addresses;
    this.#log = log;
  }

  async #loadGen(): Promise<LoadGenerator> {
    if (!this.#loadGenerator?.alive) this.#loadGenerator = await LoadGenerator.start(this.#placement);
    return this.#loadGenerator;
  }

  /** Closes the run's connections; a load generator that cannot is replaced. */
  async #resetLoadGen(): Promise<void> {
    const loadGenerator = this.#loadGenerator;
    if (!loadGenerator) return;
    try {
      await loadGenerator.reset();
    } catch (error) {
      this.#log(`load generator did not reset (${describeError(error)}); starting a fresh one`);
      await loadGenerator.stop();
      this.#loadGenerator = undefined;
    }
  }

  async close(): Promise<void> {
    await this.#loadGenerator?.stop();
  }

  async run(kind: ServerKind, spec: WorkloadSpec, repetition: number): Promise<RunRecord> {
    const record: RunRecord = {
      workload: spec.id,
      server: kind,
      repetition,
      metrics: {},
      loadCpu: null,
      serverCpu: null,
      redisCpu: null,
      otherCpu: null,
      loadCoreBusy: null,
      loadBound: false,
    };
    let servers: ServerProcess[] = [];
    let clusterKey: string | undefined;
    try {
      let redisPid: number | undefined;
      if (spec.cluster) {
        redisPid = (await this.#probeRedis()) ?? undefined;
        clusterKey = `parley-bench-${process.pid}-${++this.#clusterRuns}`;
        servers = await this.#startCluster(kind, spec, clusterKey);
      } else {
        servers = [await this.#startServer(kind)];
      }
      const [server] = servers;
      const options = loadOptions(this.#config, spec, this.#addresses);
      const timeoutMs = options.connectTimeoutMs + spec.warmupMs + spec.durationMs + 60_000;
      const loadGenerator = await this.#loadGen();
      const target = {
        host: '127.0.0.1',
        ports: servers.map((node) => node.port),
        serverPids: servers.map((node) => node.pid),
        ...(redisPid !== undefined && { redisPid }),
      };
      // Read right before the clients come, so start-up garbage and lazily returned pages are settled.
      const baseline = spec.kind === 'idle-memory' ? await server.memory() : undefined;
      const result = await loadGenerator.run({ spec, target, options }, timeoutMs);
      record.metrics = { ...result.metrics };
      record.loadCpu = result.loadCpu;
      record.serverCpu = result.serverCpu;
      record.redisCpu = result.redisCpu;
      if (result.machineCpu !== null && result.serverCpu !== null) {
        record.otherCpu = Math.max(0, result.machineCpu - result.serverCpu - result.loadCpu - (result.redisCpu ?? 0));
      }
      const loadCore = this.#placement.loadCore;
      record.loadCoreBusy = loadCore === undefined ? null : (result.coreBusy?.[loadCore] ?? null);
      record.loadBound =
        spec.kind !== 'idle-memory' &&
        Math.max(result.loadCpu, record.loadCoreBusy ?? 0) > this.#config.loadBoundThreshold;
      addPerServerCore(spec, record);
      if (baseline) await this.#measureMemory(server, baseline, result.connected, record);
    } catch (error) {
      record.error = describeError(error);
    } finally {
      // The server goes first, so the closing side (and its TIME_WAIT) is the server's.
      await Promise.all(servers.map((node) => node.stop()));
      await this.#resetLoadGen();
      if (clusterKey !== undefined) await this.#removeKeys(clusterKey);
    }
    return record;
  }

  /** Fails the run with a clear message when Redis is absent (probed once, then remembered). */
  async #probeRedis(): Promise<number | null> {
    if (this.#redisPid === undefined) this.#redisPid = (await probeRedis()) ?? null;
    return this.#redisPid;
  }

  /** The cluster's nodes, started together (each waits for all to join), all on the server core. */
  async #startCluster(kind: ServerKind, spec: WorkloadSpec, key: string): Promise<ServerProcess[]> {
    const setup = spec.cluster;
    if (!setup) throw new Error(`${spec.id} is not a cluster workload`);
    const args = clusterCommandLine({ ...setup, key });
    const started = await Promise.allSettled(
      Array.from({ length: setup.nodes }, () => ServerProcess.start(kind, this.#placement, args)),
    );
    const nodes = started.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    const failed = started.find((outcome) => outcome.status === 'rejected');
    if (failed) {
      await Promise.all(nodes.map((node) => node.stop()));
      throw failed.reason;
    }
    return nodes;
  }

  async #removeKeys(key: string): Promise<void> {
    try {
      await deleteKeys(key);
    } catch (error) {
      this.#log(`could not remove the run's Redis keys ${key}*: ${describeError(error)}`);
    }
  }

  /**
   * A package that imported at the probe but not now is most likely being rebuilt (its dist is
   * wiped first): wait for the build rather than lose the run.
   */
  async #startServer(kind: ServerKind): Promise<ServerProcess> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await ServerProcess.start(kind, this.#placement);
      } catch (error) {
        if (!(error instanceof ServerUnavailableError) || attempt >= UNAVAILABLE_ATTEMPTS) throw error;
        this.#log(`${SERVER_LABELS[kind]} cannot be imported right now (being rebuilt?); retrying`);
        await delay(UNAVAILABLE_RETRY_MS);
      }
    }
  }

  async #measureMemory(
    server: ServerProcess,
    baseline: MemorySnapshot,
    connected: number,
    record: RunRecord,
  ): Promise<void> {
    await delay(this.#config.settleMs);
    const memory = await server.memory();
    const perConnectionKiB = (bytes: number) => bytes / Math.max(1, connected) / 1024;
    record.metrics.connected = connected;
    record.metrics.rssPerConnKiB = perConnectionKiB(memory.rss - baseline.rss);
    record.metrics.heapPerConnKiB = perConnectionKiB(memory.heapUsed - baseline.heapUsed);
    record.metrics.serverRssMiB = memory.rss / 2 ** 20;
    record.metrics.serverHeapUsedMiB = memory.heapUsed / 2 ** 20;
  }
}

/** Below this share of a core the server's CPU reading is too coarse (10 ms ticks) to divide by. */
const MIN_SERVER_CPU = 0.05;

function addPerServerCore(spec: WorkloadSpec, record: RunRecord): void {
  const serverCpu = record.serverCpu;
  if (serverCpu === null || serverCpu < MIN_SERVER_CPU) return;
  for (const metric of METRICS[spec.kind]) {
    const source = metric.perServerCoreOf === undefined ? undefined : record.metrics[metric.perServerCoreOf];
    if (source !== undefined) record.metrics[metric.key] = source / serverCpu;
  }
}

function describeRun(spec: WorkloadSpec, record: RunRecord): string {
  if (record.error) return `error: ${record.error}`;
  const headline = METRICS[spec.kind][0];
  const percent = (value: number | null) => (value === null ? '?' : `${Math.round(value * 100)}%`);
  const bound = record.loadBound ? ' LOAD-BOUND' : '';
  return (
    `${formatFigure(record.metrics[headline.key])} ${headline.label} (CPU: server ${percent(record.serverCpu)}, ` +
    `load ${percent(record.loadCpu)}, other processes ${percent(record.otherCpu)}; ` +
    `load core busy ${percent(record.loadCoreBusy)}${bound})`
  );
}

export async function runSuite(config: SuiteConfig, log: (line: string) => void = () => {}): Promise<SuiteResult> {
  const startedAt = new Date().toISOString();
  const maxClients = Math.max(0, ...config.workloads.map((spec) => spec.clients));
  const placement = decidePlacement(config.pin, config.nice, maxClients + DESCRIPTOR_HEADROOM);
  const addresses = sourceAddresses(config, maxClients);
  const notes = [...placement.notes];
  if (addresses.length > 0) notes.push(`connections spread over source addresses ${addresses.join(', ')}`);
  for (const note of notes) log(note);

  const { servers, skipped } = await probeServers(config, placement, log);
  const runner = new SuiteRunner(config, placement, addresses, log);
  const runs: RunRecord[] = [];
  const serversOf = (spec: WorkloadSpec) => servers.filter((kind) => !spec.servers || spec.servers.includes(kind));
  const plan = config.workloads.flatMap((spec) =>
    Array.from({ length: config.repetitions * serversOf(spec).length }, () => estimateRunMs(spec)),
  );
  const progress = new ProgressClock(plan);
  try {
    for (const spec of config.workloads) {
      for (let repetition = 1; repetition <= config.repetitions; repetition++) {
        for (const kind of serversOf(spec)) {
          log(progress.line(`${spec.label} · ${SERVER_LABELS[kind]} · rep ${repetition}/${config.repetitions}`));
          const started = performance.now();
          const record = await runner.run(kind, spec, repetition);
          progress.finished(estimateRunMs(spec), performance.now() - started);
          runs.push(record);
          log(`    ${describeRun(spec, record)}`);
        }
      }
    }
  } finally {
    await runner.close();
  }
  return {
    startedAt,
    finishedAt: new Date().toISOString(),
    machine: describeMachine(placement.notes[0] ?? 'unpinned'),
    scale: config.scale,
    repetitions: config.repetitions,
    workloads: config.workloads,
    servers,
    skipped,
    loadBoundThreshold: config.loadBoundThreshold,
    notes,
    runs,
  };
}
