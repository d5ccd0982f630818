/**
 * Acks whose connection drops, as socket.io-client handles them: a plain callback is never
 * called, a callback with a timeout (`timeout()` or `ackTimeout`) gets an Error first, and
 * `emitWithAck` rejects, all with "socket has been disconnected". The same scenario runs with
 * the official client to show both behave alike; `failPendingAcksOnDisconnect` (a Parley
 * option, off by default) fails every pending ack at once, plain callbacks included.
 */
import type { Socket as ServerSocket } from 'socket.io';
import { describe, expect, it } from 'vitest';
import { AckError, type Socket, type TransportName } from '../src/index.js';
import { type ClientOptions, clients, parleyClient } from './clients.js';
import { servers, type TestServer, until, waitFor } from './helpers.js';
import { closedAfterEach } from './per-test-fixture.js';

const transportModes: TransportName[][] = [['websocket'], ['polling']];

/** A server whose sockets never answer `never` and echo `echo`; `conns` lets a test drop them. */
function serve(server: TestServer) {
  const conns: ServerSocket[] = [];
  let received = 0;
  server.io.on('connection', (socket) => {
    conns.push(socket);
    socket.on('never', () => received++);
    socket.on('echo', (value: unknown, cb: (v: unknown) => void) => cb(value));
  });
  return {
    received: () => received,
    /** Closes every connection from the server side, as a network failure would. */
    dropAll: () => {
      for (const socket of conns.splice(0)) socket.conn.close();
    },
  };
}

/** Sends three emits the server never acknowledges: a plain callback, one with timeout(), emitWithAck. */
function emitUnanswered(socket: Socket) {
  const plain: unknown[][] = [];
  socket.emit('never', (...args: unknown[]) => plain.push(args));
  const withTimeout = new Promise<unknown[]>((resolve) =>
    socket.timeout(60_000).emit('never', (...args: unknown[]) => resolve(args)),
  );
  const withAck = socket.emitWithAck('never').then(
    () => 'resolved',
    (error: unknown) => error,
  );
  return { plain, withTimeout, withAck };
}

function expectDisconnectedError(error: unknown, parley: boolean): void {
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).message).toBe('socket has been disconnected');
  if (parley) expect((error as AckError).code).toBe('DISCONNECTED');
}

for (const factory of servers) {
  for (const client of clients) {
    for (const transports of transportModes) {
      describe(`acks on disconnection [${factory.name} server, ${client.name}, ${transports}]`, () => {
        const { fixture, sockets } = closedAfterEach(factory);

        const open = async (server: TestServer, options: ClientOptions = {}) => {
          const socket = sockets.open(client, server.url, { transports, ...options });
          await waitFor(socket, 'connect');
          return socket;
        };

        it('never calls a plain callback; fails timeout() callbacks and emitWithAck with an Error', async () => {
          const server = await fixture.server();
          const app = serve(server);
          const socket = await open(server);
          const pending = emitUnanswered(socket);
          await until(() => app.received() === 3, 8000, 'the emits to reach the server');

          const disconnected = waitFor<[string]>(socket, 'disconnect');
          const reconnected = waitFor(socket, 'connect');
          app.dropAll();
          expect((await disconnected)[0]).toBe('transport close');
          const [timeoutError, ...rest] = await pending.withTimeout;
          expect(rest).toEqual([]);
          expectDisconnectedError(timeoutError, client === parleyClient);
          expectDisconnectedError(await pending.withAck, client === parleyClient);

          // after a reconnection and a full round trip, the plain callback still has not run
          await reconnected;
          await expect(socket.emitWithAck('echo', 'after')).resolves.toBe('after');
          expect(pending.plain).toEqual([]);
        });

        it('fails callbacks under ackTimeout with the error first', async () => {
          const server = await fixture.server();
          const app = serve(server);
          const socket = await open(server, { ackTimeout: 60_000, reconnection: false });
          const acked = new Promise<unknown[]>((resolve) =>
            socket.emit('never', (...args: unknown[]) => resolve(args)),
          );
          await until(() => app.received() === 1, 8000, 'the emit to reach the server');
          app.dropAll();
          const [error, ...rest] = await acked;
          expect(rest).toEqual([]);
          expectDisconnectedError(error, client === parleyClient);
        });
      });
    }
  }
}

for (const factory of servers) {
  describe(`failPendingAcksOnDisconnect [${factory.name} server]`, () => {
    const { fixture, sockets } = closedAfterEach(factory);

    it('fails every pending ack as the connection drops, a plain callback with the error alone', async () => {
      const server = await fixture.server();
      const app = serve(server);
      const socket = sockets.open(parleyClient, server.url, {
        transports: ['websocket'],
        failPendingAcksOnDisconnect: true,
      });
      await waitFor(socket, 'connect');
      const pending = emitUnanswered(socket);
      await until(() => app.received() === 3, 8000, 'the emits to reach the server');

      const disconnected = waitFor(socket, 'disconnect');
      app.dropAll();
      await disconnected;
      // at once: already failed when the disconnect event has been handled
      expect(pending.plain).toHaveLength(1);
      expect(pending.plain[0]).toHaveLength(1);
      expectDisconnectedError(pending.plain[0][0], true);
      expect(pending.plain[0][0]).toBeInstanceOf(AckError);
      expectDisconnectedError((await pending.withTimeout)[0], true);
      expectDisconnectedError(await pending.withAck, true);
    });
  });
}
