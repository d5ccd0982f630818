/** The orchestrator's handles on its children: one server under test, the load generator. */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { BenchError } from './errors.js';
import { IpcClient } from './ipc.js';
import { LOADGEN_ENTRY, SERVER_ENTRY } from './paths.js';
import { captureStderr, type Placement, spawnNode } from './placement.js';
import type { LoadResult, MemorySnapshot, RunRequest, ServerKind, ServerStartMessage } from './types.js';

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

export class ServerUnavailableError extends BenchError<'SERVER_UNAVAILABLE'> {
  constructor(message: string) {
    super('SERVER_UNAVAILABLE', message);
  }
}

export class ChildStartError extends BenchError<'CHILD_START_FAILED'> {
  constructor(message: string) {
    super('CHILD_START_FAILED', message);
  }
}

/** Waits for a child's first IPC message, failing on exit or after the bound. */
export function firstMessage<T>(child: ChildProcess, stderr: () => string, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new ChildStartError(`${what} did not start within ${START_TIMEOUT_MS} ms`));
    }, START_TIMEOUT_MS);
    const onMessage = (message: T) => {
      cleanup();
      resolve(message);
    };
    const onExit = (code: number | null, signal: string | null) => {
      cleanup();
      reject(new ChildStartError(`${what} exited while starting (${signal ?? `code ${code}`}): ${stderr()}`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/**
 * Extra Node options for the servers under test, e.g. `BENCH_SERVER_NODE_ARGS='--cpu-prof
 * --cpu-prof-dir=/tmp/prof'` to profile them. With any set, servers are stopped with SIGTERM
 * (the server exits cleanly on it, so a profile gets written) instead of SIGKILL.
 */
const SERVER_NODE_ARGS = nodeArgsFrom(process.env.BENCH_SERVER_NODE_ARGS);
/** The same for the load generator (`BENCH_LOADGEN_NODE_ARGS`), to see where the load's CPU goes. */
const LOADGEN_NODE_ARGS = nodeArgsFrom(process.env.BENCH_LOADGEN_NODE_ARGS);

function nodeArgsFrom(value: string | undefined): string[] {
  return (value ?? '').split(/\s+/).filter((arg) => arg !== '');
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, STOP_TIMEOUT_MS))]);
}

export class ServerProcess {
  readonly kind: ServerKind;
  readonly port: number;
  readonly pid: number;
  #child: ChildProcess;
  #ipc: IpcClient;

  private constructor(
    kind: ServerKind,
    child: ChildProcess,
    ipc: IpcClient,
    ready: ServerStartMessage & { type: 'ready' },
  ) {
    this.kind = kind;
    this.#child = child;
    this.#ipc = ipc;
    this.port = ready.port;
    this.pid = ready.pid;
  }

  /**
   * Starts a server; rejects with ServerUnavailableError when its package cannot be imported.
   * `args` follow the kind on its command line (a cluster node's setup).
   */
  static async start(kind: ServerKind, placement: Placement, args: string[] = []): Promise<ServerProcess> {
    const child = spawnNode(
      SERVER_ENTRY,
      [kind, ...args],
      ['--expose-gc', ...SERVER_NODE_ARGS],
      placement.serverCore,
      placement,
    );
    const stderr = captureStderr(child);
    const ipc = new IpcClient(child, stderr);
    try {
      const message = await firstMessage<ServerStartMessage>(child, stderr, `${kind} server`);
      if (message.type === 'ready') return new ServerProcess(kind, child, ipc, message);
      if (message.reason === 'unavailable') throw new ServerUnavailableError(message.message);
      throw new ChildStartError(`${kind} server failed to start: ${message.message}`);
    } catch (error) {
      await stopChild(child);
      throw error;
    }
  }

  /** process.memoryUsage() after a full garbage collection in the server. */
  memory(): Promise<MemorySnapshot> {
    return this.#ipc.request<MemorySnapshot>('memory', null, 30_000);
  }

  stop(): Promise<void> {
    return stopChild(this.#child, SERVER_NODE_ARGS.length > 0 ? 'SIGTERM' : 'SIGKILL');
  }
}

export class LoadGenerator {
  #child: ChildProcess;
  #ipc: IpcClient;

  private constructor(child: ChildProcess, ipc: IpcClient) {
    this.#child = child;
    this.#ipc = ipc;
  }

  static async start(placement: Placement): Promise<LoadGenerator> {
    const child = spawnNode(LOADGEN_ENTRY, [], ['--expose-gc', ...LOADGEN_NODE_ARGS], placement.loadCore, placement);
    const stderr = captureStderr(child);
    const ipc = new IpcClient(child, stderr);
    try {
      await firstMessage<unknown>(child, stderr, 'load generator');
    } catch (error) {
      await stopChild(child);
      throw error;
    }
    return new LoadGenerator(child, ipc);
  }

  get alive(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  run(request: RunRequest, timeoutMs: number): Promise<LoadResult> {
    return this.#ipc.request<LoadResult>('run', request, timeoutMs);
  }

  /** Closes every connection of the last run and waits until they are gone. */
  reset(): Promise<{ closed: number }> {
    return this.#ipc.request<{ closed: number }>('reset', null, 30_000);
  }

  stop(): Promise<void> {
    return stopChild(this.#child, LOADGEN_NODE_ARGS.length > 0 ? 'SIGTERM' : 'SIGKILL');
  }
}
