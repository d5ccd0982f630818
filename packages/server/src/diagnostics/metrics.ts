/**
 * Server metrics: plain integer counters bumped on the paths that already do the work (no
 * allocation, no closures, no timers per message), and a snapshot assembled only when asked
 * (`io.metrics()`). Gauges that can be read from live state (sockets per namespace, queued bytes)
 * are computed at snapshot time instead of being maintained on every change.
 *
 * Byte counts are payload sizes as the socket layer sees them: UTF-16 length for text (equal to
 * the byte size for ASCII), byte length for binary; engine framing is not counted.
 */
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

/** A plain, serialisable view of a server's counters at one moment. */
export interface MetricsSnapshot {
  /** Engine connections accepted since the server started. */
  connectionsTotal: number;
  /** Engine connections open now. */
  connectionsOpen: number;
  /** Connected sockets per namespace name, now. */
  socketsByNamespace: Record<string, number>;
  /** Engine messages received from clients. */
  packetsIn: number;
  /** Engine messages written to clients. */
  packetsOut: number;
  bytesIn: number;
  bytesOut: number;
  /** Bytes written but not yet on the network, over every open connection (Parley's engine only). */
  queuedBytes: number;
  /** Socket disconnections by reason (`client namespace disconnect`, `transport close`, ...). */
  disconnectsByReason: Record<string, number>;
  /** Sockets whose session was restored by connection state recovery. */
  recoveries: number;
  /** Requests to the adapter that involve the other servers (fetchSockets, serverSideEmit). */
  adapterRequests: number;
  /** Of those awaiting an answer: how many completed, and their total latency in milliseconds. */
  adapterResponses: number;
  adapterLatencyMsTotal: number;
  /** Event-loop delay in milliseconds, present once monitoring started (first `metrics()` call). */
  eventLoopLag?: { meanMs: number; p50Ms: number; p99Ms: number; maxMs: number };
}

/** The counters one server keeps. Public fields, so that the hot paths are a plain `+=`. */
export class ServerMetrics {
  connectionsTotal = 0;
  connectionsOpen = 0;
  packetsIn = 0;
  packetsOut = 0;
  bytesIn = 0;
  bytesOut = 0;
  recoveries = 0;
  adapterRequests = 0;
  adapterResponses = 0;
  adapterLatencyMsTotal = 0;
  readonly #disconnects = new Map<string, number>();
  #loopDelay: IntervalHistogram | undefined;

  /** Counts one outbound message. */
  countOut(data: string | Uint8Array): void {
    this.packetsOut++;
    this.bytesOut += typeof data === 'string' ? data.length : data.byteLength;
  }

  /** Counts one inbound message. */
  countIn(data: string | Uint8Array): void {
    this.packetsIn++;
    this.bytesIn += typeof data === 'string' ? data.length : data.byteLength;
  }

  /** Counts one socket disconnection (once per socket, not per message: a Map is fine here). */
  countDisconnect(reason: string): void {
    this.#disconnects.set(reason, (this.#disconnects.get(reason) ?? 0) + 1);
  }

  /** Counts an adapter request; returns its start time for {@link countAdapterResponse}. */
  countAdapterRequest(): number {
    this.adapterRequests++;
    return performance.now();
  }

  countAdapterResponse(startedAt: number): void {
    this.adapterResponses++;
    this.adapterLatencyMsTotal += performance.now() - startedAt;
  }

  /** Starts event-loop delay sampling (idempotent): a timer, so only once someone reads metrics. */
  startEventLoopMonitor(): void {
    if (this.#loopDelay !== undefined) return;
    this.#loopDelay = monitorEventLoopDelay({ resolution: 20 });
    this.#loopDelay.enable();
  }

  stopEventLoopMonitor(): void {
    this.#loopDelay?.disable();
    this.#loopDelay = undefined;
  }

  /** The counters, with the gauges the caller read from live state. */
  snapshot(socketsByNamespace: Record<string, number>, queuedBytes: number): MetricsSnapshot {
    const snapshot: MetricsSnapshot = {
      connectionsTotal: this.connectionsTotal,
      connectionsOpen: this.connectionsOpen,
      socketsByNamespace,
      packetsIn: this.packetsIn,
      packetsOut: this.packetsOut,
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      queuedBytes,
      disconnectsByReason: Object.fromEntries(this.#disconnects),
      recoveries: this.recoveries,
      adapterRequests: this.adapterRequests,
      adapterResponses: this.adapterResponses,
      adapterLatencyMsTotal: this.adapterLatencyMsTotal,
    };
    const loop = this.#loopDelay;
    if (loop !== undefined && loop.count > 0) {
      // The histogram records nanoseconds.
      snapshot.eventLoopLag = {
        meanMs: loop.mean / 1e6,
        p50Ms: loop.percentile(50) / 1e6,
        p99Ms: loop.percentile(99) / 1e6,
        maxMs: loop.max / 1e6,
      };
    }
    return snapshot;
  }
}
