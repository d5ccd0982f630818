/**
 * Echo: N clients, each with one acknowledged `echo` event in flight; a client sends the next
 * one when the ack arrives. Acks per second and the round-trip latency of every ack.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { WebSocket } from 'ws';
import type { LoadResult } from '../types.js';
import { connectClients, type RunContext, waitUntil } from './context.js';
import { LatencyRecorder, MeasureWindow } from './measure.js';
import { isAck, isPing } from './wire.js';

export const ECHO_PAYLOAD = '"hello, echo"';

/** Shared tallies of one echo run, fed by every client. */
export class EchoTally {
  readonly latency = new LatencyRecorder();
  acks = 0;
  running = true;
  inFlight = 0;
  /** Clients lost mid-run (polling clients whose requests the server refused). */
  dropped = 0;
}

class EchoClient {
  #ws: WebSocket;
  #tally: EchoTally;
  #nextAckId = 0;
  #sentAt = 0;

  constructor(ws: WebSocket, tally: EchoTally) {
    this.#ws = ws;
    this.#tally = tally;
    ws.on('message', (data: Buffer) => this.#onFrame(data));
  }

  send(): void {
    this.#tally.inFlight++;
    this.#sentAt = performance.now();
    this.#ws.send(`42${this.#nextAckId++}["echo",${ECHO_PAYLOAD}]`);
  }

  #onFrame(data: Buffer): void {
    if (isAck(data)) {
      const tally = this.#tally;
      tally.acks++;
      tally.inFlight--;
      tally.latency.record(performance.now() - this.#sentAt);
      if (tally.running) this.send();
    } else if (isPing(data)) {
      this.#ws.send('3');
    }
  }
}

export async function runEcho(context: RunContext): Promise<LoadResult> {
  const { spec } = context;
  const tally = new EchoTally();
  const clients: EchoClient[] = [];
  await connectClients(context, spec.clients, () => (ws) => {
    clients.push(new EchoClient(ws, tally));
  });
  for (const client of clients) client.send();
  return measureEcho(context, tally);
}

/** Warm-up, measured window, drain: shared by the WebSocket and the polling echo. */
export async function measureEcho(context: RunContext, tally: EchoTally): Promise<LoadResult> {
  const { spec } = context;
  await delay(spec.warmupMs);
  const window = new MeasureWindow(context.target.serverPid);
  tally.acks = 0;
  tally.latency.reset();
  window.start();
  await delay(spec.durationMs);
  const measured = window.stop();
  const acks = tally.acks;
  const [p50Ms, p99Ms] = tally.latency.percentiles(0.5, 0.99);
  tally.running = false;
  await waitUntil(() => tally.inFlight === 0, 2_000);
  return {
    metrics: {
      acksPerSec: acks / (measured.elapsedMs / 1000),
      p50Ms,
      p99Ms,
      droppedClients: context.held.dropped + tally.dropped,
    },
    connected: spec.clients,
    ...measured,
  };
}
