/**
 * Throttled timers (a background tab): the heartbeat deadline has passed but the watchdog timer
 * has not run yet. An emit then finds the connection dead, as socket.io-client does on write: the
 * packet is buffered, the engine closes with `ping timeout`, and the packet goes out once the
 * manager has reconnected. The clock's `now()` is pushed forward while its timers stay real.
 */
import type { Socket as ServerSocket } from 'socket.io';
import { afterEach, describe, expect, it } from 'vitest';
import type { ManagerOptions, Timers } from '../src/index.js';
import { Fixture, servers, transportModes, waitFor } from './helpers.js';

/** Real timers whose `now()` can jump ahead, as a throttled tab's clock does relative to its timers. */
function skewedClock(): Timers & { skew: number } {
  return {
    skew: 0,
    setTimeout: (callback, ms) => setTimeout(callback, ms),
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    now() {
      return Date.now() + this.skew;
    },
  };
}

/**
 * A client connected with a skewable clock to a server that records each `hello` with the
 * number of the connection it came on, and acknowledges it.
 */
async function connectWithSkewedClock(fixture: Fixture, options: Partial<ManagerOptions>) {
  const server = await fixture.server({ pingInterval: 20000, pingTimeout: 10000 });
  const received: { connection: number; value: unknown }[] = [];
  let connections = 0;
  server.io.on('connection', (s: ServerSocket) => {
    const connection = ++connections;
    s.on('hello', (value: unknown, ack: (answer: string) => void) => {
      received.push({ connection, value });
      ack('got it');
    });
  });
  const clock = skewedClock();
  const socket = fixture.client(server.url, { ...options, timers: clock });
  await waitFor(socket, 'connect');
  return { socket, clock, received };
}

for (const factory of servers) {
  for (const mode of transportModes.filter((m) => m.name !== 'polling+upgrade')) {
    describe(`throttled heartbeat [${factory.name}, ${mode.name}]`, () => {
      let fixture: Fixture;
      afterEach(() => fixture.close());

      it('buffers an emit made after the heartbeat expired, reconnects, then sends it', async () => {
        fixture = new Fixture(factory);
        const { socket, clock, received } = await connectWithSkewedClock(fixture, mode.options);
        clock.skew = 60000; // past pingInterval + pingTimeout, with no timer having fired
        const disconnected = waitFor<[string]>(socket, 'disconnect');
        const acked = new Promise((resolve) => socket.emit('hello', 1, resolve));
        expect(socket.sendBuffer).toHaveLength(1);
        expect(await disconnected).toEqual(['ping timeout', undefined]);
        await waitFor(socket.io, 'reconnect');
        expect(await acked).toBe('got it');
        expect(received).toEqual([{ connection: 2, value: 1 }]);
      });

      it('keeps buffering every emit made between the missed heartbeat and the close', async () => {
        fixture = new Fixture(factory);
        const { socket, clock, received } = await connectWithSkewedClock(fixture, mode.options);
        clock.skew = 60000;
        const disconnected = waitFor<[string]>(socket, 'disconnect');
        const acks = [1, 2, 3].map((value) => new Promise((resolve) => socket.emit('hello', value, resolve)));
        expect(socket.sendBuffer).toHaveLength(3);
        expect(await disconnected).toEqual(['ping timeout', undefined]);
        expect(await Promise.all(acks)).toEqual(['got it', 'got it', 'got it']);
        expect(received).toEqual([1, 2, 3].map((value) => ({ connection: 2, value })));
      });
    });
  }
}
