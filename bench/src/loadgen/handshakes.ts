/**
 * Handshakes: a fixed number of full Socket.IO connections in flight (WebSocket open ->
 * `0{…}` -> `40` -> `40{sid}`); each completed one is dropped at once and replaced by a new
 * one. Connections per second and the time each handshake took. Connections are made with
 * the lean TCP client of raw-client.ts rather than `ws`, whose per-connection cost would
 * otherwise cap the figure near the floor server's rate.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { LoadResult } from '../types.js';
import { HANDSHAKE_TIMEOUT_MS, type RunContext, sourceAddress, waitUntil } from './context.js';
import { LatencyRecorder, MeasureWindow } from './measure.js';
import { RawSocketIoClient, upgradeRequest } from './raw-client.js';

/** Pause before replacing a failed attempt, so a refusing server is not hammered in a tight loop. */
const RETRY_PAUSE_MS = 10;

export async function runHandshakes(context: RunContext): Promise<LoadResult> {
  const { spec, target, options } = context;
  const request = upgradeRequest(target.host, target.ports[0]);
  const latency = new LatencyRecorder();
  let running = true;
  let active = 0;
  let attempts = 0;
  let completed = 0;
  let failed = 0;
  let lastError = '';

  const startOne = (): void => {
    active++;
    const startedAt = performance.now();
    RawSocketIoClient.connect({
      host: target.host,
      port: target.ports[0],
      localAddress: sourceAddress(options, attempts++),
      timeoutMs: HANDSHAKE_TIMEOUT_MS,
      request,
      onFrame: undefined, // dropped as soon as it is connected
    }).then(
      () => {
        completed++;
        latency.record(performance.now() - startedAt);
        active--;
        if (running) startOne();
      },
      (error: Error) => {
        active--;
        failed++;
        lastError = error.message;
        if (running) setTimeout(startOne, RETRY_PAUSE_MS);
      },
    );
  };

  for (let i = 0; i < spec.clients; i++) startOne();
  await delay(spec.warmupMs);
  const window = new MeasureWindow(target);
  completed = 0;
  failed = 0;
  latency.reset();
  window.start();
  await delay(spec.durationMs);
  const measured = window.stop();
  const handshakes = completed;
  const failures = failed;
  const [p50Ms, p99Ms] = latency.percentiles(0.5, 0.99);
  running = false;
  await waitUntil(() => active === 0, HANDSHAKE_TIMEOUT_MS + 1_000);
  if (handshakes === 0) throw new Error(`no handshake completed${lastError ? `: ${lastError}` : ''}`);
  return {
    metrics: { connectionsPerSec: handshakes / (measured.elapsedMs / 1000), p50Ms, p99Ms, failedHandshakes: failures },
    connected: handshakes,
    ...measured,
  };
}
