/**
 * `socket.volatile.emit`: sent when the socket is connected and its transport writable at that
 * moment, discarded otherwise, never buffered. The scenarios socket.io-client defines run with
 * both clients; the server's event log and the acks show what was sent.
 */
import type { Socket as ServerSocket } from 'socket.io';
import { describe, expect, it } from 'vitest';
import type { Socket, TransportName } from '../src/index.js';
import { systemTimers } from '../src/timers.js';
import { type ClientOptions, clients, parleyClient } from './clients.js';
import { servers, type TestServer, until, waitFor } from './helpers.js';
import { closedAfterEach } from './per-test-fixture.js';

const transportModes: TransportName[][] = [['websocket'], ['polling']];

/** Logs every event a server socket receives (namespace-qualified) and acks `getId` with the id. */
function serve(server: TestServer, nsp = '/'): string[] {
  const log: string[] = [];
  server.io.of(nsp).on('connection', (socket: ServerSocket) => {
    socket.onAny((event: string) => log.push(nsp === '/' ? event : `${nsp} ${event}`));
    socket.on('getId', (cb: (id: string) => void) => cb(socket.id));
    socket.on('kick', () => socket.disconnect());
  });
  return log;
}

/** Emits `getId` with a callback; `calls` records what the callback received. */
function getId(emitter: Pick<Socket, 'emit'>): { calls: unknown[][] } {
  const calls: unknown[][] = [];
  emitter.emit('getId', (...args: unknown[]) => calls.push(args));
  return { calls };
}

/** A round trip that proves everything sent before it has been handled by the server. */
async function roundTrip(socket: Socket): Promise<void> {
  const { calls } = getId(socket);
  await until(() => calls.length > 0, 8000, 'the round trip');
}

for (const factory of servers) {
  for (const client of clients) {
    for (const transports of transportModes) {
      describe(`volatile [${factory.name} server, ${client.name}, ${transports}]`, () => {
        const { fixture, sockets } = closedAfterEach(factory);
        const open = (server: TestServer, options: ClientOptions = {}) =>
          sockets.open(client, server.url, { transports, ...options });

        it('discards a volatile packet while the socket is not connected', async () => {
          const server = await fixture.server();
          const log = serve(server);
          const socket = open(server, { autoConnect: false });
          const dropped = getId(socket.volatile);
          expect(socket.sendBuffer).toHaveLength(0);
          const kept = getId(socket);
          socket.connect();
          await until(() => kept.calls.length > 0, 8000, 'the buffered packet to be acknowledged');
          await roundTrip(socket);
          expect(dropped.calls).toEqual([]);
          expect(log).toEqual(['getId', 'getId']);
        });

        it('discards a volatile packet while the transport is busy with the previous write', async () => {
          const server = await fixture.server();
          const log = serve(server);
          const socket = open(server);
          let dropped: { calls: unknown[][] } | undefined;
          let kept: { calls: unknown[][] } | undefined;
          socket.on('connect', () => {
            kept = getId(socket);
            // same turn: the first write has not drained, the transport is not writable
            dropped = getId(socket.volatile);
          });
          await until(() => (kept?.calls.length ?? 0) > 0, 8000, 'the first packet to be acknowledged');
          await roundTrip(socket);
          expect(dropped?.calls).toEqual([]);
          expect(log).toEqual(['getId', 'getId']);
        });

        it('sends a volatile packet when connected and the transport is writable', async () => {
          const server = await fixture.server();
          const log = serve(server);
          const socket = open(server);
          await waitFor(socket, 'connect');
          await until(() => !!socket.io.engine?.transport.writable, 8000, 'a writable transport');
          const sent = getId(socket.volatile);
          await until(() => sent.calls.length > 0, 8000, 'the volatile packet to be acknowledged');
          expect(sent.calls).toEqual([[socket.id]]);
          expect(log).toEqual(['getId']);
        });
      });
    }
  }
}

// socket.io-client's own code buffers a volatile packet whenever the transport is writable,
// even while the socket is not connected (a namespace the server left, a heartbeat that expired
// unnoticed) and sends it after reconnecting; Parley follows its documented rule: dropped
// unless connected.
for (const factory of servers) {
  describe(`volatile, never buffered [${factory.name} server, parley]`, () => {
    const { fixture, sockets } = closedAfterEach(factory);

    it('discards it on a namespace that is disconnected while the connection stays open', async () => {
      const server = await fixture.server();
      serve(server);
      const log = serve(server, '/other');
      const main = sockets.open(parleyClient, server.url, { transports: ['websocket'] });
      const other = main.io.socket('/other');
      await Promise.all([waitFor(main, 'connect'), waitFor(other, 'connect')]);
      const left = waitFor<[string]>(other, 'disconnect');
      other.emit('kick');
      expect((await left)[0]).toBe('io server disconnect');
      await until(() => !!main.io.engine?.transport.writable, 8000, 'a writable transport');
      other.volatile.emit('dropped');
      expect(other.sendBuffer).toHaveLength(0);
      other.connect();
      await waitFor(other, 'connect');
      await roundTrip(other);
      expect(log).toEqual(['/other kick', '/other getId']);
    });

    it('discards it when the heartbeat has expired unnoticed (throttled tab)', async () => {
      const server = await fixture.server();
      const log = serve(server);
      let skew = 0;
      const timers = { ...systemTimers, now: () => Date.now() + skew };
      const socket = sockets.open(parleyClient, server.url, { transports: ['websocket'], timers });
      await waitFor(socket, 'connect');
      const reconnected = new Promise<string>((resolve) =>
        socket.once('disconnect', (reason) => socket.once('connect', () => resolve(reason))),
      );
      skew = 3_600_000;
      socket.volatile.emit('dropped');
      expect(socket.sendBuffer).toHaveLength(0);
      expect(await reconnected).toBe('ping timeout');
      await roundTrip(socket);
      expect(log).toEqual(['getId']);
    });
  });
}
