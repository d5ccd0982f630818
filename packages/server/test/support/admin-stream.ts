/**
 * What an `@socket.io/admin-ui` client receives, recorded in order (`AdminStream`), and made
 * comparable between two servers: run-specific values replaced by labels (`normalise`), the
 * traffic figures of `server_stats` summed independently of the interval's timing (`trafficTotals`).
 */
import type { Socket as ClientSocket } from 'socket.io-client';
import { within } from './wait.js';

// biome-ignore lint/suspicious/noExplicitAny: the same scenario drives two server implementations
export type AnySocket = any;
export type AdminEvent = [string, ...unknown[]];

/** The bound of every wait for an admin event: `server_stats` comes every 2 s. */
export const ADMIN_WAIT_MS = 6_000;

/** Every event an admin client receives, in order, and a bounded wait for the next that matches. */
export class AdminStream {
  readonly events: AdminEvent[] = [];
  #waiters: Array<{ test: (e: AdminEvent) => boolean; resolve: (e: AdminEvent) => void }> = [];
  /** Where the search of `next` starts: the events after the last one it found. */
  #cursor = 0;

  constructor(readonly socket: ClientSocket) {
    socket.onAny((...entry: AdminEvent) => {
      this.events.push(entry);
      for (const waiter of this.#waiters.splice(0)) {
        if (waiter.test(entry)) waiter.resolve(entry);
        else this.#waiters.push(waiter);
      }
    });
  }

  /** The next event named `name` whose arguments satisfy `match`. */
  async next(name: string, match: (...args: AnySocket[]) => boolean = () => true): Promise<AdminEvent> {
    const test = (e: AdminEvent) => e[0] === name && match(...e.slice(1));
    const index = this.events.findIndex((e, i) => i >= this.#cursor && test(e));
    const found =
      index >= 0
        ? this.events[index]
        : await within(
            new Promise<AdminEvent>((resolve) => this.#waiters.push({ test, resolve })),
            ADMIN_WAIT_MS,
            `admin event "${name}"`,
          );
    this.#cursor = this.events.indexOf(found) + 1;
    return found;
  }

  /** The events received from `from` on, `server_stats` (whose timing is the interval's) left out. */
  since(from: number): AdminEvent[] {
    return this.events.slice(from).filter(([name]) => name !== 'server_stats');
  }
}

/** Keys whose values differ between any two runs of one implementation. */
const RUN_SPECIFIC_KEYS = new Set(['uptime', 'pid', 'issued', 'timestamp', 'time', 'sec-websocket-key', 't']);

/**
 * Replaces what differs between runs (ids, dates, ports, random keys, the polling client's cache
 * buster) by stable labels, so that two transcripts compare with `toEqual`.
 */
export function normalise(value: unknown, labels: Map<string, string>, port: number): unknown {
  if (value instanceof Date) return '<date>';
  if (typeof value === 'string') {
    if (/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/.test(value)) return '<date>';
    let out = value.replace(/([?&]t=)[^&]+/, '$1<t>');
    for (const [raw, label] of labels) out = out.split(raw).join(label);
    return out.split(String(port)).join('<port>');
  }
  if (Array.isArray(value)) return value.map((v) => normalise(v, labels, port));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      out[normalise(key, labels, port) as string] = RUN_SPECIFIC_KEYS.has(key)
        ? `<${key}>`
        : normalise(v, labels, port);
    }
    return out;
  }
  return value;
}

export interface Stats {
  clientsCount: number;
  pollingClientsCount: number;
  aggregatedEvents: Array<{ type: string; subType?: string; count: number }>;
  [key: string]: unknown;
}

/**
 * The traffic the `server_stats` messages after `marker`, up to `final`, count: the totals per
 * event type. The stats messages are themselves outgoing packets, each counted in the next
 * message, so those from `marker` up to the one before `final` are taken off again: the rest is
 * the scenario's own traffic, which does not depend on the interval's timing.
 */
export function trafficTotals(events: AdminEvent[], marker: AdminEvent, final: AdminEvent): Record<string, number> {
  const totals: Record<string, number> = {};
  const add = (key: string, count: number) => {
    totals[key] = (totals[key] ?? 0) + count;
  };
  const stats = events.slice(events.indexOf(marker), events.indexOf(final) + 1).filter(([n]) => n === 'server_stats');
  for (const [, message] of stats.slice(1)) {
    for (const { type, subType, count } of (message as Stats).aggregatedEvents) {
      add(subType === undefined ? type : `${type}:${subType}`, count);
    }
  }
  for (const [, message] of stats.slice(0, -1)) {
    add('packetsOut', -1);
    add('bytesOut', -Buffer.byteLength(`2/admin,${JSON.stringify(['server_stats', message])}`));
  }
  return totals;
}

/** A `server_stats` message without its traffic figures, which `trafficTotals` compares. */
export function withoutTraffic(event: AdminEvent): unknown {
  const { aggregatedEvents: _, ...rest } = event[1] as Stats;
  return rest;
}

export interface Run {
  /** The admin stream and stats, normalised. */
  transcript: unknown;
  /** Run-independent facts checked on both implementations. */
  raw: { events: AdminEvent[]; ids: Record<string, string> };
}

/**
 * A scenario's result: `transcript` with the socket and client ids of `ids` (found on
 * `serverSockets`), dates and the port replaced by labels, and the admin's raw events.
 */
export function runOf(
  transcript: unknown,
  ids: Record<string, string>,
  serverSockets: AnySocket[],
  admin: AdminStream,
  port: number,
): Run {
  return { transcript: normalise(transcript, labelsOf(ids, serverSockets), port), raw: { events: admin.events, ids } };
}

/** Labels for the socket ids in `ids` and for the admin UI's client ids (the engine id's first 12 characters). */
export function labelsOf(ids: Record<string, string>, serverSockets: AnySocket[]): Map<string, string> {
  const labels = new Map<string, string>();
  for (const [label, id] of Object.entries(ids)) labels.set(id, `<${label}>`);
  for (const socket of serverSockets) {
    if (socket === undefined) continue;
    const label = Object.entries(ids).find(([, id]) => id === socket.id)?.[0];
    if (label !== undefined) labels.set(socket.client.id.substring(0, 12), `<client of ${label}>`);
  }
  return labels;
}
