/**
 * How child processes are started: pinned to a core with `taskset` where that exists, with the
 * open-file limit raised (within the hard limit) when a workload needs more descriptors.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { BENCH_ROOT } from './paths.js';

export interface Placement {
  /** Cores for the server and the load generator, or undefined to run unpinned. */
  serverCore: number | undefined;
  loadCore: number | undefined;
  /** Open-file limit to set in children (undefined: inherit). */
  fileLimit: number | undefined;
  /** Niceness of the children (0: unchanged). */
  nice: number;
  /** What was decided, for the report. */
  notes: string[];
}

function shell(script: string): string | undefined {
  const result = spawnSync('sh', ['-c', script], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

export function decidePlacement(pin: boolean, nice: number, descriptorsNeeded: number): Placement {
  const notes: string[] = [];
  if (nice !== 0) notes.push(`servers and load generator at niceness ${nice}`);
  let serverCore: number | undefined;
  let loadCore: number | undefined;
  const cores = availableParallelism();
  const hasTaskset = shell('command -v taskset') !== undefined;
  if (!pin) {
    notes.push('unpinned (pinning turned off)');
  } else if (!hasTaskset) {
    notes.push('unpinned: taskset is not available');
  } else if (cores < 2) {
    notes.push(`unpinned: only ${cores} core available`);
  } else {
    serverCore = 0;
    loadCore = 1;
    notes.push('server pinned to core 0, load generator to core 1 (taskset)');
  }

  let fileLimit: number | undefined;
  const [softText, hardText] = (shell('ulimit -Sn; ulimit -Hn') ?? '').split('\n');
  const soft = softText === 'unlimited' ? Number.POSITIVE_INFINITY : Number(softText);
  const hard = hardText === 'unlimited' ? Number.POSITIVE_INFINITY : Number(hardText);
  if (Number.isFinite(soft) && soft < descriptorsNeeded) {
    if (hard > soft) {
      fileLimit = Math.min(descriptorsNeeded, hard);
      notes.push(`open-file limit raised from ${soft} to ${fileLimit} in the children`);
    }
    if (hard < descriptorsNeeded) {
      notes.push(`warning: hard open-file limit ${hard} is below the ${descriptorsNeeded} the largest workload needs`);
    }
  }
  return { serverCore, loadCore, fileLimit, nice, notes };
}

/**
 * Spawns `node <execArgv> <script> <args>` with an IPC channel, wrapped in `taskset`, `nice`
 * and a `ulimit` shell as placed. All wrappers `exec`, so the child's pid is Node's own.
 */
export function spawnNode(
  script: string,
  args: string[],
  execArgv: string[],
  core: number | undefined,
  placement: Placement,
): ChildProcess {
  const { fileLimit, nice } = placement;
  let command = [process.execPath, ...execArgv, script, ...args];
  if (core !== undefined) command = ['taskset', '-c', String(core), ...command];
  if (nice !== 0) command = ['nice', '-n', String(nice), ...command];
  if (fileLimit !== undefined) command = ['sh', '-c', `ulimit -n ${fileLimit} && exec "$@"`, 'sh', ...command];
  return spawn(command[0], command.slice(1), { cwd: BENCH_ROOT, stdio: ['ignore', 'inherit', 'pipe', 'ipc'] });
}

/** Keeps the last few kilobytes of a child's stderr to explain a failure. */
export function captureStderr(child: ChildProcess, limit = 4096): () => string {
  let tail = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    tail = (tail + chunk).slice(-limit);
  });
  return () => tail.trim();
}
