/**
 * `node bench/scripts/routing.mjs [--quick] [--polls N] [--upgrades N]`: what a request costs
 * when it reaches a node that does not own its session (no sticky sessions, `routeSessions` of
 * `@parley/redis-adapter`). Two Parley nodes with the Redis adapter in this process; sessions
 * opened on node A; then, one at a time:
 * - a polling round trip (POST of an acknowledged `echo`, GET of its ack) sent to A, then to B;
 * - an upgrade (WebSocket handshake with the session id, `2probe`, `3probe`) sent to A, then to B;
 * and the Redis commands the routing sent while B forwarded (the heartbeat is set far apart so
 * that only per-request commands would show). Needs Redis (REDIS_URL, default 127.0.0.1:6379)
 * and the built packages (`npm run build -w @parley/server -w @parley/redis-adapter`).
 */
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { createAdapter, type RedisSessionRouter, routeSessions } from '@parley/redis-adapter';
import { Server } from '@parley/server';
import { createClient } from '@redis/client';
import { WebSocket } from 'ws';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: process.env.BENCH_QUICK === '1' },
    polls: { type: 'string' },
    upgrades: { type: 'string' },
  },
});
const POLLS = Number(values.polls ?? (values.quick ? 200 : 2000));
const UPGRADES = Number(values.upgrades ?? (values.quick ? 30 : 300));
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const KEY = `parley-bench-routing-${process.pid}`;
const PATH = '/socket.io/?EIO=4&transport=polling';

interface BenchNode {
  io: Server;
  port: number;
  router: RedisSessionRouter;
  close(): Promise<void>;
}

async function startNode(): Promise<BenchNode> {
  const pub = createClient({ url: REDIS_URL });
  const sub = pub.duplicate();
  await Promise.all([pub.connect(), sub.connect()]);
  const http = createServer();
  const io = new Server(http, { adapter: createAdapter(pub, sub, { key: KEY }) });
  io.on('connection', (socket) => socket.on('echo', (value: unknown, ack: (v: unknown) => void) => ack(value)));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const router = await routeSessions(io, pub, { key: KEY, heartbeatInterval: 600_000 });
  return {
    io,
    port: (http.address() as AddressInfo).port,
    router,
    close: async () => {
      await io.close();
      await pub.del([`${KEY}-route-nodes`, `${KEY}-route-secret`]);
      pub.destroy();
      sub.destroy();
    },
  };
}

const agent = new Agent({ keepAlive: true });

function send(port: number, method: string, path: string, body?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => (res.statusCode === 200 ? resolve(text) : reject(new Error(`${res.statusCode} ${text}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A Socket.IO session opened on `port` over polling, connected to `/`; returns its id. */
async function openSession(port: number): Promise<string> {
  const open = await send(port, 'GET', PATH);
  const sid = (JSON.parse(open.slice(1)) as { sid: string }).sid;
  await send(port, 'POST', `${PATH}&sid=${sid}`, '40');
  await send(port, 'GET', `${PATH}&sid=${sid}`);
  return sid;
}

/** Polling round trips through `port` for a session: milliseconds each. */
async function pollRoundTrips(port: number, sid: string, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await send(port, 'POST', `${PATH}&sid=${sid}`, `421["echo",${i}]`);
    await untilAck(port, sid);
    times.push(performance.now() - start);
  }
  return times;
}

/** GETs until the ack arrives, answering the server's pings on the way (a long run outlasts one). */
async function untilAck(port: number, sid: string): Promise<void> {
  for (;;) {
    const packets = (await send(port, 'GET', `${PATH}&sid=${sid}`)).split('\x1e');
    if (packets.includes('2')) await send(port, 'POST', `${PATH}&sid=${sid}`, '3');
    if (packets.some((packet) => packet.startsWith('431['))) return;
  }
}

/** Upgrades through `port` of sessions opened on `owner`: milliseconds from request to `3probe`. */
async function upgrades(owner: number, port: number, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const sid = await openSession(owner);
    const start = performance.now();
    const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket&sid=${sid}`);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => ws.send('2probe'));
      ws.once('message', (data) => (String(data) === '3probe' ? resolve() : reject(new Error(String(data)))));
      ws.once('error', reject);
    });
    times.push(performance.now() - start);
    ws.close();
  }
  return times;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function row(what: string, owner: number[], wrong: number[]): string {
  const [a, b] = [[...owner].sort((x, y) => x - y), [...wrong].sort((x, y) => x - y)];
  const cell = (s: number[]) => `${percentile(s, 50).toFixed(2)} / ${percentile(s, 99).toFixed(2)}`;
  const extra = percentile(b, 50) - percentile(a, 50);
  return `| ${what} | ${cell(a)} | ${cell(b)} | +${extra.toFixed(2)} |`;
}

const [a, b] = [await startNode(), await startNode()];
try {
  const sid = await openSession(a.port);
  // Warm-up: the JIT, the keep-alive connections, and B's directory cache.
  await pollRoundTrips(a.port, sid, 50);
  await pollRoundTrips(b.port, sid, 50);
  const ownerPolls = await pollRoundTrips(a.port, sid, POLLS);
  const before = b.router.stats;
  const wrongPolls = await pollRoundTrips(b.port, sid, POLLS);
  const after = b.router.stats;
  const ownerUpgrades = await upgrades(a.port, a.port, UPGRADES);
  const wrongUpgrades = await upgrades(a.port, b.port, UPGRADES);
  const forwarded = after.forwardedRequests - before.forwardedRequests;
  const commands = after.redisCommands - before.redisCommands;
  console.log(`routing: ${POLLS} polling round trips and ${UPGRADES} upgrades each way, one at a time`);
  console.log('');
  console.log('| what (ms) | owner p50 / p99 | wrong node p50 / p99 | extra p50 |');
  console.log('|---|---|---|---|');
  console.log(row('polling round trip (POST + GET)', ownerPolls, wrongPolls));
  console.log(row('upgrade (101 + probe)', ownerUpgrades, wrongUpgrades));
  console.log('');
  console.log(
    `Redis commands per wrong-node request: ${(commands / forwarded).toFixed(3)} (${commands} over ${forwarded} forwarded requests, warm cache)`,
  );
} finally {
  agent.destroy();
  await Promise.all([a.close(), b.close()]);
}
