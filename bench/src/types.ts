/** Shapes shared by the orchestrator, the load generator and the servers under test. */

/** The servers compared side by side: Parley, the official socket.io v4, and a raw `ws` floor. */
export type ServerKind = 'parley' | 'socket.io' | 'ws';

export const SERVER_KINDS: readonly ServerKind[] = ['socket.io', 'parley', 'ws'];

export const SERVER_LABELS: Readonly<Record<ServerKind, string>> = {
  parley: 'Parley',
  'socket.io': 'socket.io',
  ws: 'ws (floor)',
};

export type WorkloadKind = 'fanout' | 'fanout-cluster' | 'echo' | 'handshakes' | 'idle-memory' | 'polling-echo';

/**
 * Connection state recovery of a cluster run: `off`, `state` (the server's
 * `connectionStateRecovery`: every broadcast logged to a Redis Stream), or `crash` (`state` plus the
 * Redis adapter's `crashRecovery`: connected sessions kept in Redis too).
 */
export type RecoveryMode = 'off' | 'state' | 'crash';

export const RECOVERY_MODES: readonly RecoveryMode[] = ['off', 'state', 'crash'];

/** A workload served by several server processes joined through a Redis adapter. */
export interface ClusterSetup {
  /** Server processes (nodes); clients are spread evenly over them. */
  nodes: number;
  recovery: RecoveryMode;
}

/** One workload at one scale; everything the load generator needs to drive it. */
export interface WorkloadSpec {
  /** Stable identifier, e.g. `fanout-1000`. */
  id: string;
  kind: WorkloadKind;
  /** Human label for the report, e.g. `fan-out, 1,000 clients`. */
  label: string;
  /** Connected clients (fan-out, echo, idle memory, polling) or handshakes in flight. */
  clients: number;
  /** Fan-out only: `chat message` events the sender keeps in flight. */
  inFlight: number;
  warmupMs: number;
  durationMs: number;
  /** Several server processes over Redis instead of one (undefined: a single process, no adapter). */
  cluster?: ClusterSetup;
  /** The servers this workload runs on (undefined: every server of the suite). */
  servers?: readonly ServerKind[];
  /**
   * For a workload socket.io does not run (a Parley-only configuration): the workload whose
   * socket.io figures the ratio is taken against.
   */
  socketIoReference?: string;
}

/** Where the load generator finds the server under test. */
export interface LoadTarget {
  host: string;
  /** One port per server process; connection i goes to ports[i % ports.length]. */
  ports: number[];
  /** Read from /proc to report the servers' CPU use over the measured window (summed). */
  serverPids: number[];
  /** The Redis server's pid, when a cluster run uses it: its CPU is reported apart. */
  redisPid?: number;
}

export interface LoadOptions {
  /** WebSocket/HTTP handshakes the load generator keeps in flight while connecting clients. */
  connectConcurrency: number;
  /** Loopback source addresses to spread connections over (empty: the default route). */
  sourceAddresses: string[];
  /** Upper bound for connecting all clients of one run. */
  connectTimeoutMs: number;
}

/** Named figures of one run, e.g. `{ deliveriesPerSec: 512000, p50Ms: 1.2, p99Ms: 4.8 }`. */
export type Metrics = Record<string, number>;

/** The orchestrator's request to the load generator: one workload against one server. */
export interface RunRequest {
  spec: WorkloadSpec;
  target: LoadTarget;
  options: LoadOptions;
}

/** Wall time and CPU over a run's measured window. */
export interface WindowResult {
  /** Length of the measured window. */
  elapsedMs: number;
  /** Load generator CPU, as a fraction of one core. */
  loadCpu: number;
  /** Cores the server processes used together (null when one of them cannot be read). */
  serverCpu: number | null;
  /** Fraction of one core Redis used, for a cluster run (null when none or unreadable). */
  redisCpu: number | null;
  /** Cores the whole machine kept busy, server and load generator included (null when unreadable). */
  machineCpu: number | null;
  /** How busy each core was, by anyone, as a fraction (null when unreadable). */
  coreBusy: number[] | null;
}

/** What the load generator reports for one run. */
export interface LoadResult extends WindowResult {
  metrics: Metrics;
  /** Clients connected (or handshakes completed) during the run. */
  connected: number;
}

/** process.memoryUsage() of a server after a full garbage collection. */
export interface MemorySnapshot {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

/** A server process's first IPC message: listening, or why it could not start. */
export type ServerStartMessage =
  | { type: 'ready'; port: number; pid: number }
  | { type: 'failed'; reason: 'unavailable' | 'error'; message: string };

/** One measurement: one workload against one server in one repetition. */
export interface RunRecord {
  workload: string;
  server: ServerKind;
  repetition: number;
  metrics: Metrics;
  loadCpu: number | null;
  serverCpu: number | null;
  /** Redis CPU (fraction of one core) during a cluster run; null otherwise. */
  redisCpu?: number | null;
  /** CPU used by everything else on the machine during the window, in cores (other work skews figures). */
  otherCpu: number | null;
  /** How busy the load generator's core was, by anyone (null when unpinned or unreadable). */
  loadCoreBusy: number | null;
  /**
   * The load generator used more than the threshold of a core, or its core was that busy with it
   * and other processes together: either way it could not go faster, and the figure understates the server.
   */
  loadBound: boolean;
  error?: string;
}

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  node: string;
  platform: string;
  memoryGiB: number;
  /** How server and load were placed on cores. */
  pinning: string;
}
