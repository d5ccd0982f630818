/**
 * Drives the chat at a set total rate and measures it. One interval timer paces everyone: each
 * tick sends the messages due by then, taking the users in turn, so every user sends evenly
 * spaced messages (within the chat's send budget) and the total rate holds whatever the timer's
 * jitter. The send time travels in the text, so a receiver in this process reads its latency
 * without any lookup.
 *
 * - stored: a `message:send` acknowledged `{ ok: true }`, which the chat sends only once the
 *   message is committed to its store; send -> ack is the "stored" latency;
 * - delivered: a `message` event received by another member of the room; send -> receive is
 *   the delivery latency.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { waitUntil } from '../loadgen/context.js';
import { LatencyRecorder, MeasureWindow } from '../loadgen/measure.js';
import type { LoadUser } from './users.js';

const TICK_MS = 10;
/** How long the stragglers (acks and deliveries still on their way) may take once sending stops. */
const SETTLE_TIMEOUT_MS = 20_000;

export interface DrivePlan {
  ratePerSec: number;
  warmupMs: number;
  durationMs: number;
  serverPid: number;
}

export interface DriveResult {
  elapsedMs: number;
  /** Monotonic clock (process.hrtime) at the window's start and end, in microseconds. */
  windowMicros: [number, number];
  sent: number;
  stored: number;
  delivered: number;
  storedPerSec: number;
  deliveredPerSec: number;
  ackP50Ms: number;
  ackP99Ms: number;
  deliveryP50Ms: number;
  deliveryP99Ms: number;
  /** Requests the chat refused, by error code (a RATE_LIMITED here means the pacing is wrong). */
  refused: Record<string, number>;
  /** Over the whole run: deliveries owed by the stored messages and not received once settled. */
  undelivered: number;
  /** Sends never acknowledged once settled. */
  unanswered: number;
  serverCpu: number | null;
  loadCpu: number;
}

interface MessageEvent {
  username: string | null;
  text: string;
}

interface AckReply {
  ok: boolean;
  error?: { code: string };
}

const sentAt = (text: string): number => Number(text.slice(2, text.indexOf(' ')));

export async function drive(users: readonly LoadUser[], plan: DrivePlan): Promise<DriveResult> {
  const roomSizes = new Map<string, number>();
  for (const user of users) roomSizes.set(user.room, (roomSizes.get(user.room) ?? 0) + 1);

  const ackLatency = new LatencyRecorder(1 << 20);
  const deliveryLatency = new LatencyRecorder(1 << 22);
  const refused: Record<string, number> = {};
  let measuring = false;
  let stored = 0;
  let delivered = 0;
  let owedTotal = 0;
  let deliveredTotal = 0;
  let pendingAcks = 0;

  for (const user of users) {
    user.socket.on('message', (message: MessageEvent) => {
      if (message.username === user.username) return;
      deliveredTotal++;
      if (!measuring) return;
      delivered++;
      deliveryLatency.record(performance.now() - sentAt(message.text));
    });
  }

  let sent = 0;
  let sentInWindow = 0;
  let turn = 0;
  const sendOne = () => {
    const user = users[turn];
    turn = (turn + 1) % users.length;
    const started = performance.now();
    const counted = measuring;
    sent++;
    if (counted) sentInWindow++;
    pendingAcks++;
    const payload = { room: user.room, text: `t=${started} from ${user.username}`, clientId: `m${sent}` };
    user.socket.emit('message:send', payload, (reply: AckReply) => {
      pendingAcks--;
      if (!reply.ok) {
        const code = reply.error?.code ?? 'UNKNOWN';
        refused[code] = (refused[code] ?? 0) + 1;
        return;
      }
      owedTotal += (roomSizes.get(user.room) ?? 1) - 1;
      if (!measuring) return;
      stored++;
      ackLatency.record(performance.now() - started);
    });
  };

  const startedAt = performance.now();
  const pacer = setInterval(() => {
    const due = Math.floor(((performance.now() - startedAt) * plan.ratePerSec) / 1000);
    while (sent < due) sendOne();
  }, TICK_MS);

  await delay(plan.warmupMs);
  const window = new MeasureWindow({ serverPids: [plan.serverPid] });
  const windowStart = Number(process.hrtime.bigint() / 1000n);
  measuring = true;
  window.start();
  await delay(plan.durationMs);
  const measured = window.stop();
  measuring = false;
  const windowEnd = Number(process.hrtime.bigint() / 1000n);
  clearInterval(pacer);

  await waitUntil(() => pendingAcks === 0 && deliveredTotal >= owedTotal, SETTLE_TIMEOUT_MS);
  const seconds = measured.elapsedMs / 1000;
  const [ackP50Ms, ackP99Ms] = ackLatency.percentiles(0.5, 0.99);
  const [deliveryP50Ms, deliveryP99Ms] = deliveryLatency.percentiles(0.5, 0.99);
  return {
    elapsedMs: measured.elapsedMs,
    windowMicros: [windowStart, windowEnd],
    sent: sentInWindow,
    stored,
    delivered,
    storedPerSec: stored / seconds,
    deliveredPerSec: delivered / seconds,
    ackP50Ms,
    ackP99Ms,
    deliveryP50Ms,
    deliveryP99Ms,
    refused,
    undelivered: Math.max(0, owedTotal - deliveredTotal),
    unanswered: pendingAcks,
    serverCpu: measured.serverCpu,
    loadCpu: measured.loadCpu,
  };
}
