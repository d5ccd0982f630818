/**
 * Live fuzzing: for a bounded time, hostile packets go to a running server over long-polling,
 * WebSocket and SSE (mutated valid packets, nesting and size bombs, noise), while an official
 * socket.io-client beside them keeps doing echo round trips. The server must stay up, keep
 * answering the honest client in time, and accept new connections afterwards.
 *
 * FUZZ_SEED replays a run; FUZZ_MS sets its length (default 10 s).
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import type { Socket } from '../src/index.js';
import { FuzzInput } from './support/fuzz-packets.js';
import { connected, startServer, TRANSPORT_MODES } from './support/harness.js';

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
const FUZZ_MS = Number(process.env.FUZZ_MS ?? 10_000);
/** An honest round trip slower than this counts as a hang (generous: the machine is shared). */
const ROUND_TRIP_LIMIT_MS = 5000;

afterEach(() => {
  vi.restoreAllMocks();
});

interface Target {
  port: number;
  deadline: number;
}

function endpoint(target: Target, query: string): string {
  return `http://127.0.0.1:${target.port}/socket.io/?EIO=4&${query}`;
}

async function settle<T>(promise: Promise<T>): Promise<T | undefined> {
  try {
    return await promise;
  } catch {
    return undefined; // refusals, resets and aborts are the expected answers to garbage
  }
}

/** Long-polling: a session per round, a few hostile POSTs, sometimes a GET, sometimes raw garbage. */
async function fuzzPolling(target: Target, input: FuzzInput): Promise<number> {
  let requests = 0;
  while (Date.now() < target.deadline) {
    if (input.chance(0.1)) {
      // Printable ASCII only: the URL parser on this side would refuse the rest before sending.
      const raw = input.chance(0.5) ? input.noise(input.int(40)) : `transport=polling&sid=${input.noise(20)}`;
      const query = raw.replace(/[^\x21-\x7e]/g, '%');
      const method = input.pick(['GET', 'POST', 'PUT', 'OPTIONS', 'DELETE']);
      await settle(fetchText(endpoint(target, query), method, input.payload()));
      requests++;
      continue;
    }
    const open = await settle(fetchText(endpoint(target, 'transport=polling'), 'GET'));
    requests++;
    const sid = open?.startsWith('0') ? (JSON.parse(open.slice(1)) as { sid: string }).sid : undefined;
    if (sid === undefined) continue;
    const url = endpoint(target, `transport=polling&sid=${sid}`);
    if (input.chance(0.7)) await settle(fetchText(url, 'POST', '40'));
    for (let i = 0; i < 1 + input.int(6) && Date.now() < target.deadline; i++) {
      await settle(fetchText(url, 'POST', input.payload()));
      if (input.chance(0.3)) await settle(fetchText(url, 'GET', undefined, 500));
      requests++;
    }
  }
  return requests;
}

/** WebSocket: a connection per round, a burst of hostile text and binary frames. */
async function fuzzWebSocket(target: Target, input: FuzzInput): Promise<number> {
  let frames = 0;
  while (Date.now() < target.deadline) {
    const ws = new WebSocket(`ws://127.0.0.1:${target.port}/socket.io/?EIO=4&transport=websocket`);
    ws.on('error', () => {});
    const opened = await settle(
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('open timeout')), 3000);
        ws.once('message', () => {
          clearTimeout(timer);
          resolve();
        });
        ws.once('close', () => {
          clearTimeout(timer);
          reject(new Error('closed'));
        });
      }),
    );
    if (opened !== undefined || ws.readyState === WebSocket.OPEN) {
      if (input.chance(0.8)) ws.send('40');
      const burst = 1 + input.int(40);
      for (let i = 0; i < burst && ws.readyState === WebSocket.OPEN && Date.now() < target.deadline; i++) {
        ws.send(input.chance(0.15) ? input.binary() : input.textPacket());
        frames++;
        // Yield: the server reads while this side writes, as with a real peer.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    ws.terminate();
  }
  return frames;
}

/** SSE: a stream per round (its open event gives the sid), hostile POSTs on its session. */
async function fuzzSse(target: Target, input: FuzzInput): Promise<number> {
  let posts = 0;
  while (Date.now() < target.deadline) {
    const stream = await settle(openSse(endpoint(target, 'transport=sse')));
    if (stream === undefined) continue;
    const url = endpoint(target, `transport=sse&sid=${stream.sid}`);
    if (input.chance(0.7)) await settle(fetchText(url, 'POST', '40'));
    for (let i = 0; i < 1 + input.int(6) && Date.now() < target.deadline; i++) {
      await settle(fetchText(url, 'POST', input.payload()));
      posts++;
    }
    stream.close();
  }
  return posts;
}

async function fetchText(url: string, method: string, body?: string, timeoutMs = 3000): Promise<string> {
  const response = await fetch(url, {
    method,
    body: method === 'GET' || method === 'OPTIONS' ? undefined : body,
    headers: { 'Content-Type': 'text/plain;charset=UTF-8' },
    signal: AbortSignal.timeout(timeoutMs),
  });
  return response.text();
}

/** Opens an SSE stream and resolves with the session id of its open packet. */
function openSse(url: string): Promise<{ sid: string; close(): void }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { agent: false }, (res: IncomingMessage) => {
      let buffer = '';
      res.setEncoding('utf8');
      res.on('error', () => {});
      res.on('data', (chunk: string) => {
        buffer += chunk;
        const match = /data: 0(\{.*?\})\n/.exec(buffer);
        if (!match) return;
        clearTimeout(timer);
        resolve({ sid: (JSON.parse(match[1]) as { sid: string }).sid, close: () => req.destroy() });
      });
      res.on('end', () => reject(new Error('stream ended')));
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error('no open event'));
    }, 3000);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end();
  });
}

describe('live fuzzing', () => {
  it(`survives ${FUZZ_MS / 1000} s of hostile input on every transport (seed ${SEED})`, {
    timeout: FUZZ_MS + 60_000,
  }, async () => {
    const logged: string[] = [];
    for (const level of ['error', 'warn'] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        logged.push(args.map(String).join(' '));
      });
    }
    const { io, port, url } = await startServer({ transports: ['polling', 'websocket', 'sse'] });
    const handlers = (socket: Socket) => {
      socket.on('echo', (value: unknown, ack?: (value: unknown) => void) => {
        if (typeof ack === 'function') ack(value);
      });
      // Acks from a promise: a throw there would be an unhandled rejection, not a handler error.
      socket.on('slow', async (value: unknown, ack?: (value: unknown) => void) => {
        await Promise.resolve();
        if (typeof ack === 'function') ack(value);
      });
    };
    io.on('connection', handlers);
    io.of('/admin').on('connection', handlers);

    const honest = await connected(url, 'websocket');
    const target: Target = { port, deadline: Date.now() + FUZZ_MS };
    const delay = monitorEventLoopDelay({ resolution: 20 });
    delay.enable();

    const roundTrips = (async () => {
      let count = 0;
      let slowest = 0;
      while (Date.now() < target.deadline) {
        const started = Date.now();
        const value = { n: count, text: 'still here' };
        expect(await honest.timeout(ROUND_TRIP_LIMIT_MS).emitWithAck('echo', value)).toEqual(value);
        slowest = Math.max(slowest, Date.now() - started);
        count++;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return { count, slowest };
    })();
    const [polling, frames, sse, honestResult] = await Promise.all([
      fuzzPolling(target, new FuzzInput(SEED)),
      fuzzWebSocket(target, new FuzzInput(SEED + 1)),
      fuzzSse(target, new FuzzInput(SEED + 2)),
      roundTrips,
    ]);
    delay.disable();
    const summary = `seed ${SEED}: ${polling} polling requests, ${frames} WebSocket frames, ${sse} SSE posts; honest: ${honestResult.count} round trips, slowest ${honestResult.slowest} ms; loop delay max ${Math.round(delay.max / 1e6)} ms; ${logged.length} log lines`;
    process.stdout.write(`${summary}\n`);

    expect(honest.connected, summary).toBe(true);
    expect(honestResult.count, summary).toBeGreaterThan(10);
    expect(polling + frames + sse, summary).toBeGreaterThan(100);
    // Still accepting: a fresh official client on every transport makes its round trip.
    for (const mode of TRANSPORT_MODES) {
      const fresh = await connected(url, mode);
      expect(await fresh.timeout(ROUND_TRIP_LIMIT_MS).emitWithAck('slow', mode), summary).toBe(mode);
    }
    // Bad input is an error for its connection: at most one (rate-limited) line in the log. Data
    // that reached a handler and broke it (too deep to encode, say) would show here, once per packet.
    expect(logged.length, `${summary}\n${logged.slice(0, 5).join('\n')}`).toBeLessThanOrEqual(1);
  });
});
