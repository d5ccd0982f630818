/**
 * Heartbeat watchdog, reconnection schedule and connect timeout, driven through the `timers`
 * seam with a manual clock: no waiting on real time, no timing assertions.
 */
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Watchdog } from '../src/engine/watchdog.js';
import { io, Manager } from '../src/index.js';
import { FakeClock } from './fake-clock.js';
import { socketIoServer, type TestServer, until, waitFor } from './helpers.js';

describe('Watchdog', () => {
  it('fires once the deadline passes without being re-armed', () => {
    const clock = new FakeClock();
    const onExpire = vi.fn();
    const watchdog = new Watchdog(clock, onExpire);
    watchdog.arm(45_000);
    clock.advance(44_999);
    expect(onExpire).not.toHaveBeenCalled();
    watchdog.arm(45_000); // a ping arrived
    clock.advance(44_999);
    expect(onExpire).not.toHaveBeenCalled();
    clock.advance(1);
    expect(onExpire).toHaveBeenCalledTimes(1);
  });

  it('does not fire after stop', () => {
    const clock = new FakeClock();
    const onExpire = vi.fn();
    const watchdog = new Watchdog(clock, onExpire);
    watchdog.arm(100);
    watchdog.stop();
    clock.advance(1000);
    expect(onExpire).not.toHaveBeenCalled();
    expect(watchdog.expired).toBe(false);
    expect(clock.pending).toBe(0);
  });

  it('reports expiry when the clock passed the deadline but the timer has not run (throttled tab)', () => {
    let now = 0;
    const watchdog = new Watchdog({ setTimeout: () => 0, clearTimeout: () => {}, now: () => now }, () => {});
    watchdog.arm(100);
    now = 50;
    expect(watchdog.expired).toBe(false);
    now = 101;
    expect(watchdog.expired).toBe(true);
  });
});

describe('Manager timing', () => {
  let blackhole: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (blackhole ? blackhole.close(() => resolve()) : resolve())));

  it('waits the backoff delays between attempts and gives up after reconnectionAttempts', async () => {
    const clock = new FakeClock();
    // Nothing listens on port 1: each attempt fails fast, so only the clock paces them.
    const manager = new Manager('http://127.0.0.1:1', {
      transports: ['polling'],
      reconnectionDelay: 1000,
      reconnectionDelayMax: 4000,
      randomizationFactor: 0,
      reconnectionAttempts: 3,
      timeout: false,
      timers: clock,
    });
    const attempts: number[] = [];
    let failed = 0;
    manager.on('reconnect_attempt', (n) => attempts.push(n));
    manager.on('reconnect_failed', () => failed++);
    for (const [delay, expected] of [
      [1000, [1]],
      [2000, [1, 2]],
      [4000, [1, 2, 3]],
    ] as const) {
      await until(() => manager.reconnecting && clock.pending === 1, 8000, 'the next attempt to be scheduled');
      clock.advance(delay - 1);
      expect(attempts).toEqual(expected.slice(0, -1));
      clock.advance(1);
      expect(attempts).toEqual(expected);
    }
    await until(() => failed === 1, 8000, 'reconnect_failed');
    expect(manager.reconnecting).toBe(false);
    manager.disconnect();
  });

  it('fails a connection attempt after `timeout` with a CONNECT_TIMEOUT error', async () => {
    // A TCP server that accepts and never answers: the WebSocket handshake hangs.
    blackhole = createServer(() => {});
    await new Promise<void>((resolve) => blackhole!.listen(0, '127.0.0.1', resolve));
    const port = (blackhole.address() as { port: number }).port;
    const clock = new FakeClock();
    const manager = new Manager(`http://127.0.0.1:${port}`, {
      transports: ['websocket'],
      reconnection: false,
      timeout: 5000,
      timers: clock,
    });
    const errors: Error[] = [];
    manager.on('error', (e) => errors.push(e));
    clock.advance(4999);
    expect(errors).toEqual([]);
    clock.advance(1);
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toBe('timeout');
    expect((errors[0] as { code?: string }).code).toBe('CONNECT_TIMEOUT');
    expect(manager.readyState).toBe('closed');
    manager.disconnect();
  });
});

describe('heartbeat against a real server', () => {
  let server: TestServer | undefined;
  afterEach(() => server?.close());

  it('re-arms the watchdog on each ping and disconnects with "ping timeout" when pings stop', async () => {
    server = await socketIoServer.start({ pingInterval: 100, pingTimeout: 100 });
    const clock = new FakeClock();
    const socket = io(server.url, { forceNew: true, reconnection: false, transports: ['websocket'], timers: clock });
    try {
      await waitFor(socket, 'connect');
      clock.advance(199); // just short of pingInterval + pingTimeout
      await waitFor(socket.io, 'ping'); // a real ping re-arms it
      clock.advance(199);
      expect(socket.connected).toBe(true);
      const disconnected = waitFor(socket, 'disconnect');
      // Stop answering: drop the transport's listeners so pings go unseen, then let the clock run.
      socket.io.engine!.transport.off('packet');
      clock.advance(200);
      expect((await disconnected)[0]).toBe('ping timeout');
    } finally {
      socket.io.disconnect();
    }
  });
});
