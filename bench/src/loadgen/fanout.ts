/**
 * Fan-out: N connected clients, one of which (connected last) keeps `inFlight` `chat message`
 * events outstanding, sending a new one whenever its own copy of the broadcast comes back.
 * Every client counts deliveries; about 100 evenly spread clients also record the delivery
 * latency from the send timestamp embedded in the message. Clients are the lean TCP clients of
 * raw-client.ts: a delivery costs the load generator a few byte comparisons, not a `ws` event.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { LoadResult } from '../types.js';
import { connectRawClients, type RunContext, waitUntil } from './context.js';
import { LatencyRecorder, MeasureWindow } from './measure.js';
import type { RawSocketIoClient } from './raw-client.js';
import { CHAR_2, CHAR_4, embeddedTimestamp } from './wire.js';

const LATENCY_SAMPLED_CLIENTS = 100;
const MESSAGE_TEXT = 'the quick brown fox jumps over the lazy dog';

export async function runFanout(context: RunContext): Promise<LoadResult> {
  const { spec } = context;
  const latency = new LatencyRecorder();
  let deliveries = 0;

  // Pings are answered by the client itself; every other frame here is a broadcast `42[…]`.
  const onDelivery = (_client: RawSocketIoClient, data: Buffer, start: number): void => {
    if (data[start] === CHAR_4 && data[start + 1] === CHAR_2) deliveries++;
  };
  const onSampledDelivery = (_client: RawSocketIoClient, data: Buffer, start: number, end: number): void => {
    if (data[start] === CHAR_4 && data[start + 1] === CHAR_2) {
      deliveries++;
      latency.record(performance.now() - embeddedTimestamp(data, start, end));
    }
  };

  const receivers = spec.clients - 1;
  const sampleEvery = Math.max(1, Math.floor(receivers / LATENCY_SAMPLED_CLIENTS));
  await connectRawClients(context, receivers, (index) => (index % sampleEvery === 0 ? onSampledDelivery : onDelivery));

  let sending = true;
  let inFlight = 0;
  let sent = 0;
  let sender: RawSocketIoClient | undefined;
  const send = () => {
    inFlight++;
    sent++;
    sender?.sendText(`42["chat message",{"t":${performance.now()},"text":"${MESSAGE_TEXT}"}]`);
  };
  const onOwnCopy = (_client: RawSocketIoClient, data: Buffer, start: number): void => {
    if (data[start] === CHAR_4 && data[start + 1] === CHAR_2) {
      deliveries++;
      inFlight--;
      if (sending) send();
    }
  };
  [sender] = await connectRawClients(context, 1, () => onOwnCopy, receivers);
  for (let i = 0; i < spec.inFlight; i++) send();

  await delay(spec.warmupMs);
  const window = new MeasureWindow(context.target.serverPid);
  deliveries = 0;
  latency.reset();
  const sentBefore = sent;
  window.start();
  await delay(spec.durationMs);
  const measured = window.stop();
  const delivered = deliveries;
  const broadcasts = sent - sentBefore;
  const [p50Ms, p99Ms] = latency.percentiles(0.5, 0.99);
  sending = false;
  // Let the outstanding broadcasts land so the server is quiet before it is stopped.
  await waitUntil(() => inFlight === 0, 2_000);

  const seconds = measured.elapsedMs / 1000;
  return {
    metrics: {
      deliveriesPerSec: delivered / seconds,
      broadcastsPerSec: broadcasts / seconds,
      p50Ms,
      p99Ms,
      latencySamples: latency.count,
      droppedClients: context.held.dropped,
    },
    connected: spec.clients,
    ...measured,
  };
}
