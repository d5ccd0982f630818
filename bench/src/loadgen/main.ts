/**
 * Entry point of the load generator, one long-lived process for a whole suite:
 * `node --expose-gc dist/loadgen/main.js`. It answers two IPC requests:
 * - `run` { spec, target, options }: drives one workload and replies with its LoadResult;
 *   connections stay open afterwards (the idle-memory figure is read while they are);
 * - `reset`: closes every connection of the last run, waits until they are gone, collects garbage.
 */
import { serveIpc } from '../ipc.js';
import type { LoadResult, RunRequest, WorkloadKind } from '../types.js';
import type { WorkloadRunner } from './context.js';
import { runEcho } from './echo.js';
import { runFanout } from './fanout.js';
import { runHandshakes } from './handshakes.js';
import { HeldConnections } from './held.js';
import { runIdle } from './idle.js';
import { runPollingEcho } from './polling.js';

const RUNNERS: Record<WorkloadKind, WorkloadRunner> = {
  fanout: runFanout,
  'fanout-cluster': runFanout,
  echo: runEcho,
  handshakes: runHandshakes,
  'idle-memory': runIdle,
  'polling-echo': runPollingEcho,
};

const CLOSE_TIMEOUT_MS = 10_000;
const held = new HeldConnections();

serveIpc({
  run: async (request: RunRequest): Promise<LoadResult> => {
    if (held.size > 0) await held.closeAll(CLOSE_TIMEOUT_MS);
    return RUNNERS[request.spec.kind]({ ...request, held });
  },
  reset: async (): Promise<{ closed: number }> => {
    const closed = await held.closeAll(CLOSE_TIMEOUT_MS);
    (globalThis as { gc?: () => void }).gc?.();
    return { closed };
  },
});
process.send?.({ type: 'ready' });
// A clean exit on SIGTERM lets `--cpu-prof` (BENCH_LOADGEN_NODE_ARGS) write its output.
process.on('SIGTERM', () => process.exit(0));
