import { afterEach, describe, expect, it, vi } from 'vitest';
import { PeerLog } from '../src/diagnostics/peer-log.js';
import type { Socket } from '../src/index.js';
import { connected, startServer, waitFor } from './support/harness.js';

// @parley-engine either: PARLEY_ENGINE=engine.io runs this suite on the official engine.io (support/engine-choice.ts).

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('PeerLog', () => {
  it('writes one line per peer and reason per interval, then counts what it held back', () => {
    vi.useFakeTimers();
    const lines: unknown[][] = [];
    const log = new PeerLog((...args) => lines.push(args), 60_000);
    for (let i = 0; i < 100; i++) log.report('10.0.0.1', 'malformed packet', 'bad packet');
    log.report('10.0.0.2', 'malformed packet', 'bad packet');
    log.report('10.0.0.1', 'other reason', 'other');
    expect(lines.map((l) => l[0])).toEqual([
      '[parley] bad packet (peer 10.0.0.1)',
      '[parley] bad packet (peer 10.0.0.2)',
      '[parley] other (peer 10.0.0.1)',
    ]);
    vi.advanceTimersByTime(60_000);
    expect(lines[3][0]).toBe('[parley] 99 similar log lines caused by peers were suppressed');
    log.report('10.0.0.1', 'malformed packet', 'bad packet again');
    expect(lines[4][0]).toBe('[parley] bad packet again (peer 10.0.0.1)');
    vi.advanceTimersByTime(120_000);
    expect(lines.length).toBe(5);
    log.close();
  });
});

describe('log lines a peer can trigger', () => {
  it('1,000 events named "error" in one POST write nothing (socket.io writes nothing)', async () => {
    const logged: unknown[][] = [];
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      logged.push(args);
    });
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      logged.push(args);
    });
    const { io, url } = await startServer({ transports: ['polling'] });
    const base = `${url}/socket.io/?EIO=4&transport=polling`;
    const sid = JSON.parse((await (await fetch(base)).text()).slice(1)).sid as string;
    const joined = waitFor<[Socket]>(io, 'connection');
    await fetch(`${base}&sid=${sid}`, { method: 'POST', body: '40' });
    const [s] = await joined;
    const echoed = new Promise<void>((resolve) => s.on('done', () => resolve()));
    const payload = `${Array.from({ length: 1000 }, () => '42["error","boom"]').join('\x1e')}\x1e42["done"]`;
    expect(await (await fetch(`${base}&sid=${sid}`, { method: 'POST', body: payload })).text()).toBe('ok');
    await echoed;
    expect(s.connected).toBe(true);
    expect(logged).toEqual([]);
    await fetch(`${base}&sid=${sid}`, { method: 'POST', body: '1' });
  });

  it('"error" events reach a listener when there is one', async () => {
    const { io, url } = await startServer();
    const got = new Promise<unknown[]>((resolve) => {
      io.on('connection', (s: Socket) => s.on('error', (...args: unknown[]) => resolve(args)));
    });
    const c = await connected(url);
    c.emit('error', 'from the client');
    expect(await got).toEqual(['from the client']);
  });

  it('a handler that throws on every event of a peer logs once per minute, not per event', async () => {
    const logged: unknown[][] = [];
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      logged.push(args);
    });
    const { io, url } = await startServer();
    io.on('connection', (s: Socket) => {
      s.on('bad', () => {
        throw new Error('handler bug');
      });
      s.use(([event], next) => (event === 'forbidden' ? next(new Error('refused')) : next()));
      s.on('sync', (ack: () => void) => ack());
    });
    const c = await connected(url);
    for (let i = 0; i < 200; i++) {
      c.emit('bad');
      c.emit('forbidden');
    }
    await c.timeout(5000).emitWithAck('sync');
    expect(logged.length).toBe(2);
    const thrown = logged.find((line) => String(line[0]).includes('uncaught exception'));
    expect(String(thrown?.[1])).toContain('handler bug');
    const refused = logged.find((line) => String(line[0]).includes('event refused by a middleware'));
    expect(String(refused?.[1])).toContain('refused');
  });

  it('a connection handler that throws for every connection logs once, not per connection', async () => {
    const logged: unknown[][] = [];
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      logged.push(args);
    });
    const { io, url } = await startServer();
    io.on('connection', () => {
      throw new Error('connection handler bug');
    });
    io.of('/async').on('connection', async () => {
      throw new Error('async connection handler bug');
    });
    for (let i = 0; i < 20; i++) {
      await connected(url);
      await connected(`${url}/async`);
    }
    await vi.waitFor(() => expect(logged.length).toBe(2));
    const messages = logged.map((line) => String(line[1])).sort();
    expect(messages[0]).toContain('async connection handler bug');
    expect(messages[1]).toContain('Error: connection handler bug');
  });
});
