/**
 * Fan-out: N connected clients, one of which (connected last) keeps `inFlight` `chat message`
 * events outstanding. Every client counts deliveries; about 100 evenly spread clients also record
 * the delivery latency from the send timestamp embedded in the message. Clients are the lean TCP
 * clients of raw-client.ts: a delivery costs the load generator a few byte comparisons, not a `ws`
 * event.
 *
 * Over several server processes (a cluster through Redis), clients are spread round robin over
 * the nodes, and a broadcast counts as done once it reached one client on every node (the
 * sender's own copy on its node, one tracker client on each other node): pacing on the sender's
 * copy alone would let the other nodes fall ever further behind, their backlog piling up in Redis.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { LoadResult } from '../types.js';
import { connectRawClients, type RunContext, waitUntil } from './context.js';
import { LatencyRecorder, MeasureWindow } from './measure.js';
import type { FrameHandler, RawSocketIoClient } from './raw-client.js';
import { CHAR_2, CHAR_4, embeddedTimestamp } from './wire.js';

const LATENCY_SAMPLED_CLIENTS = 100;
const MESSAGE_TEXT = 'the quick brown fox jumps over the lazy dog';
/** How long the last broadcasts may take to reach every client once sending stops. */
const DRAIN_TIMEOUT_MS = 5_000;

export async function runFanout(context: RunContext): Promise<LoadResult> {
  const { spec, target } = context;
  const nodes = target.ports.length;
  // Nodes with at least one client (all of them but at toy scales): only these can be waited for.
  const trackedNodes = Math.min(nodes, spec.clients);
  const latency = new LatencyRecorder();
  const receivers = spec.clients - 1;
  // Broadcasts each client received (receivers first, the sender last), to check none was lost.
  const received = new Uint32Array(spec.clients);
  let deliveries = 0;

  let sending = true;
  let sent = 0;
  let completed = 0;
  let sender: RawSocketIoClient | undefined;
  const send = () => {
    sent++;
    sender?.sendText(`42["chat message",{"t":${performance.now()},"text":"${MESSAGE_TEXT}"}]`);
  };
  // Broadcasts seen by each node's tracker; a broadcast is done when every node's tracker saw it.
  const reachedNode = new Uint32Array(trackedNodes);
  const onTracked = (node: number) => {
    reachedNode[node]++;
    let reachedAll = reachedNode[0];
    for (let i = 1; i < trackedNodes; i++) if (reachedNode[i] < reachedAll) reachedAll = reachedNode[i];
    while (completed < reachedAll) {
      completed++;
      if (sending) send();
    }
  };

  const senderIndex = receivers;
  const senderNode = senderIndex % nodes;
  // Per node, every k-th client is sampled, so that the samples cover every node alike.
  const sampleEvery = Math.max(1, Math.floor(receivers / LATENCY_SAMPLED_CLIENTS));
  const handlerFor = (index: number): FrameHandler => {
    const node = index % nodes;
    const sampled = Math.floor(index / nodes) % sampleEvery === 0;
    const tracker = index === senderIndex || (index === node && node !== senderNode);
    // Pings are answered by the client itself; every other frame here is a broadcast `42[…]`.
    return (_client: RawSocketIoClient, data: Buffer, start: number, end: number): void => {
      if (data[start] !== CHAR_4 || data[start + 1] !== CHAR_2) return;
      deliveries++;
      received[index]++;
      if (sampled && index !== senderIndex) latency.record(performance.now() - embeddedTimestamp(data, start, end));
      if (tracker) onTracked(node);
    };
  };

  await connectRawClients(context, receivers, handlerFor);
  [sender] = await connectRawClients(context, 1, handlerFor, receivers);
  for (let i = 0; i < spec.inFlight; i++) send();

  await delay(spec.warmupMs);
  const window = new MeasureWindow(target);
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
  // Let the outstanding broadcasts land everywhere, so the server is quiet before it is stopped
  // and every client's count can be checked.
  await waitUntil(() => received.every((count) => count === sent), DRAIN_TIMEOUT_MS);
  let clientsMissingBroadcasts = 0;
  let extraDeliveries = 0;
  for (const count of received) {
    if (count < sent) clientsMissingBroadcasts++;
    else extraDeliveries += count - sent;
  }

  const seconds = measured.elapsedMs / 1000;
  return {
    metrics: {
      deliveriesPerSec: delivered / seconds,
      broadcastsPerSec: broadcasts / seconds,
      p50Ms,
      p99Ms,
      latencySamples: latency.count,
      broadcastsSent: sent,
      clientsMissingBroadcasts,
      extraDeliveries,
      droppedClients: context.held.dropped,
    },
    connected: spec.clients,
    ...measured,
  };
}
