/**
 * Echo: N clients, each with one acknowledged `echo` event in flight; a client sends the next
 * one when the ack arrives. Acks per second and the round-trip latency of every ack. Clients
 * are the lean TCP clients of raw-client.ts: with a `ws` client per connection the load
 * generator's core saturated before a fast server's did, so the figure measured the client.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { LoadResult } from '../types.js';
import { connectRawClients, type RunContext, waitUntil } from './context.js';
import { LatencyRecorder, MeasureWindow } from './measure.js';
import type { RawSocketIoClient } from './raw-client.js';
import { CHAR_3, CHAR_4 } from './wire.js';

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

/** One client's side of the echo: its next ack id and when its request left. */
class EchoClient {
  readonly #tally: EchoTally;
  #client: RawSocketIoClient | undefined;
  #nextAckId = 0;
  #sentAt = 0;

  constructor(tally: EchoTally) {
    this.#tally = tally;
  }

  readonly onFrame = (_client: RawSocketIoClient, data: Buffer, start: number): void => {
    if (data[start] !== CHAR_4 || data[start + 1] !== CHAR_3) return;
    const tally = this.#tally;
    tally.acks++;
    tally.inFlight--;
    tally.latency.record(performance.now() - this.#sentAt);
    if (tally.running) this.send();
  };

  attach(client: RawSocketIoClient): void {
    this.#client = client;
  }

  send(): void {
    this.#tally.inFlight++;
    this.#sentAt = performance.now();
    this.#client?.sendText(`42${this.#nextAckId++}["echo",${ECHO_PAYLOAD}]`);
  }
}

export async function runEcho(context: RunContext): Promise<LoadResult> {
  const { spec } = context;
  const tally = new EchoTally();
  const echoes: EchoClient[] = [];
  const clients = await connectRawClients(context, spec.clients, (index) => {
    echoes[index] = new EchoClient(tally);
    return echoes[index].onFrame;
  });
  for (let i = 0; i < clients.length; i++) echoes[i].attach(clients[i]);
  for (const echo of echoes) echo.send();
  return measureEcho(context, tally);
}

/** Warm-up, measured window, drain: shared by the WebSocket and the polling echo. */
export async function measureEcho(context: RunContext, tally: EchoTally): Promise<LoadResult> {
  const { spec } = context;
  await delay(spec.warmupMs);
  const window = new MeasureWindow(context.target);
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
