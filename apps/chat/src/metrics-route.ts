/**
 * `GET /metrics`: the realtime server's counters (`io.metrics()`) in the Prometheus text format,
 * for a scraper holding the bearer token (METRICS_TOKEN). Each node has its own registry, read
 * from `io.metrics()` at scrape time: nothing is counted twice and nothing runs between scrapes.
 */
import { timingSafeEqual } from 'node:crypto';
import type { MetricsSnapshot } from '@parley/server';
import type { RequestHandler } from 'express';
import { Counter, Gauge, Registry } from 'prom-client';

/** The snapshot source: the realtime server, or none before it exists. */
export type SnapshotSource = () => MetricsSnapshot | undefined;

type CounterField = {
  [K in keyof MetricsSnapshot]-?: MetricsSnapshot[K] extends number ? K : never;
}[keyof MetricsSnapshot];

// Monotonic fields of the snapshot, as Prometheus counters (name, help, field).
const COUNTERS: readonly [string, string, CounterField][] = [
  ['parley_connections_total', 'Engine connections accepted.', 'connectionsTotal'],
  ['parley_packets_in_total', 'Engine messages received from clients.', 'packetsIn'],
  ['parley_packets_out_total', 'Engine messages written to clients.', 'packetsOut'],
  ['parley_bytes_in_total', 'Payload bytes received from clients.', 'bytesIn'],
  ['parley_bytes_out_total', 'Payload bytes written to clients.', 'bytesOut'],
  ['parley_recoveries_total', 'Sockets restored by connection state recovery.', 'recoveries'],
  ['parley_adapter_requests_total', 'Adapter requests to the other nodes.', 'adapterRequests'],
  ['parley_adapter_responses_total', 'Adapter requests that completed.', 'adapterResponses'],
];

/** A Prometheus view of the snapshots: `scrape()` takes one and renders every metric from it. */
export interface MetricsScraper {
  readonly contentType: string;
  scrape(): Promise<string>;
}

export function metricsScraper(source: SnapshotSource): MetricsScraper {
  const registry = new Registry();
  // One snapshot per scrape, so that every metric of one answer describes the same moment.
  let current: MetricsSnapshot | undefined;
  for (const [name, help, field] of COUNTERS) {
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        if (current !== undefined) this.inc(current[field]);
      },
    });
  }
  new Counter({
    name: 'parley_adapter_latency_seconds_total',
    help: 'Total time adapter requests took to complete.',
    registers: [registry],
    collect() {
      this.reset();
      if (current !== undefined) this.inc(current.adapterLatencyMsTotal / 1000);
    },
  });
  new Counter({
    name: 'parley_disconnects_total',
    help: 'Socket disconnections by reason.',
    labelNames: ['reason'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [reason, count] of Object.entries(current?.disconnectsByReason ?? {})) this.inc({ reason }, count);
    },
  });
  new Gauge({
    name: 'parley_connections_open',
    help: 'Engine connections open now.',
    registers: [registry],
    collect() {
      this.set(current?.connectionsOpen ?? 0);
    },
  });
  new Gauge({
    name: 'parley_sockets',
    help: 'Connected sockets per namespace.',
    labelNames: ['namespace'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [namespace, count] of Object.entries(current?.socketsByNamespace ?? {}))
        this.set({ namespace }, count);
    },
  });
  new Gauge({
    name: 'parley_queued_bytes',
    help: 'Bytes written to clients but not yet on the network.',
    registers: [registry],
    collect() {
      this.set(current?.queuedBytes ?? 0);
    },
  });
  new Gauge({
    name: 'parley_event_loop_lag_seconds',
    help: 'Event-loop delay since sampling started (stat: mean, p50, p99, max).',
    labelNames: ['stat'],
    registers: [registry],
    collect() {
      this.reset();
      const lag = current?.eventLoopLag;
      if (lag === undefined) return;
      this.set({ stat: 'mean' }, lag.meanMs / 1000);
      this.set({ stat: 'p50' }, lag.p50Ms / 1000);
      this.set({ stat: 'p99' }, lag.p99Ms / 1000);
      this.set({ stat: 'max' }, lag.maxMs / 1000);
    },
  });
  return {
    contentType: registry.contentType,
    scrape() {
      current = source();
      return registry.metrics();
    },
  };
}

/** The `/metrics` handler: 401 without `Authorization: Bearer <token>`, the text format with it. */
export function metricsHandler(token: string, source: SnapshotSource): RequestHandler {
  const scraper = metricsScraper(source);
  const expected = Buffer.from(`Bearer ${token}`);
  return (req, res, next) => {
    const given = Buffer.from(req.get('authorization') ?? '');
    // Constant-time, so the token can't be guessed a byte at a time from response times.
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      res.status(401).type('text/plain').send('metrics need a bearer token\n');
      return;
    }
    scraper.scrape().then((text) => {
      res.setHeader('Cache-Control', 'no-store');
      res.type(scraper.contentType).send(text);
    }, next);
  };
}
