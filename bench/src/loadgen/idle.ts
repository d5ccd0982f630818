/**
 * Idle memory: connect N clients that then only answer pings, and keep them connected until
 * the orchestrator has read the server's memory and asks for a reset.
 */
import type { LoadResult } from '../types.js';
import { connectClients, type RunContext } from './context.js';
import { MeasureWindow } from './measure.js';
import { answerPings } from './websocket-client.js';

export async function runIdle(context: RunContext): Promise<LoadResult> {
  const window = new MeasureWindow(context.target);
  window.start();
  await connectClients(context, context.spec.clients, () => (ws) => ws.on('message', answerPings));
  const measured = window.stop();
  return {
    metrics: { connectsPerSec: context.spec.clients / (measured.elapsedMs / 1000) },
    connected: context.held.size,
    ...measured,
  };
}
