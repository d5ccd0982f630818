/** Reconnection after a server restart, offline buffering, retries (acks on disconnection: ack-disconnect.test.ts). */
import { afterEach, describe, expect, it } from 'vitest';
import type { AckError } from '../src/index.js';
import { Fixture, servers, transportModes, until, waitFor } from './helpers.js';

for (const factory of servers) {
  for (const mode of transportModes) {
    describe(`reconnection and delivery [${factory.name}, ${mode.name}]`, () => {
      let fixture: Fixture;
      afterEach(() => fixture.close());
      const start = async (serverOptions = {}) => {
        fixture = new Fixture(factory);
        return fixture.server(serverOptions);
      };
      const client = (url: string, options = {}) => fixture.client(url, { ...mode.options, ...options });

      it('reconnects after the server closes and restarts on the same port', async () => {
        const server = await start();
        const socket = client(server.url);
        await waitFor(socket, 'connect');
        const firstId = socket.id;
        const attempts: number[] = [];
        socket.io.on('reconnect_attempt', (n) => attempts.push(n));
        const disconnected = waitFor<[string]>(socket, 'disconnect');
        await server.close();
        const [reason] = await disconnected;
        expect(['transport close', 'transport error']).toContain(reason);
        expect(socket.connected).toBe(false);
        expect(socket.active).toBe(true);
        // let at least one attempt fail against the closed port before restarting
        await waitFor(socket.io, 'reconnect_error');
        const reconnected = Promise.all([waitFor<[number]>(socket.io, 'reconnect'), waitFor(socket, 'connect')]);
        const restarted = await fixture.server({}, server.port);
        restarted.io.on('connection', (s) => s.on('hi', (cb: (v: string) => void) => cb('back')));
        const [[attempt]] = await reconnected;
        expect(attempt).toBeGreaterThanOrEqual(1);
        expect(attempts.length).toBeGreaterThanOrEqual(1);
        expect(socket.id).not.toBe(firstId);
        await expect(socket.emitWithAck('hi')).resolves.toBe('back');
      });

      it('gives up after reconnectionAttempts with reconnect_failed', async () => {
        const server = await start();
        const socket = client(server.url, { reconnectionAttempts: 2 });
        await waitFor(socket, 'connect');
        const errors: Error[] = [];
        socket.io.on('reconnect_error', (e) => errors.push(e));
        const failed = waitFor(socket.io, 'reconnect_failed');
        await server.close();
        await failed;
        expect(errors).toHaveLength(2);
      });

      it('buffers emits made while disconnected and drops volatile ones', async () => {
        const server = await start();
        const got: unknown[][] = [];
        server.io.on('connection', (s) => s.onAny((...args) => got.push(args)));
        const socket = client(server.url, { autoConnect: false });
        socket.emit('buffered', 1);
        socket.volatile.emit('volatile', 2);
        expect(socket.sendBuffer).toHaveLength(1);
        socket.connect();
        await waitFor(socket, 'connect');
        socket.emit('marker');
        await until(() => got.length >= 2, 8000, 'events at the server');
        expect(got).toEqual([['buffered', 1], ['marker']]);
      });

      it('flushes emits made during a reconnection once connected again', async () => {
        const server = await start();
        const socket = client(server.url);
        await waitFor(socket, 'connect');
        const disconnected = waitFor(socket, 'disconnect');
        await server.close();
        await disconnected;
        socket.emit('while-offline', 'kept');
        const restarted = await fixture.server({}, server.port);
        const received = new Promise<unknown[]>((resolve) =>
          restarted.io.on('connection', (s) => s.on('while-offline', (...a) => resolve(a))),
        );
        await expect(received).resolves.toEqual(['kept']);
      });

      it('retries until acknowledged, in order, one in flight', async () => {
        const server = await start();
        const seen: string[] = [];
        server.io.on('connection', (s) =>
          s.on('job', (name: string, cb: (v: string) => void) => {
            seen.push(name);
            // ignore the first delivery of each job: the client must retry it
            if (seen.filter((n) => n === name).length >= 2) cb(`done ${name}`);
          }),
        );
        const socket = client(server.url, { retries: 3, ackTimeout: 100 });
        await waitFor(socket, 'connect');
        const results = await Promise.all([socket.emitWithAck('job', 'a'), socket.emitWithAck('job', 'b')]);
        expect(results).toEqual(['done a', 'done b']);
        expect(seen).toEqual(['a', 'a', 'b', 'b']);
      });

      it('fails a retried emit once retries are exhausted', async () => {
        const server = await start();
        let deliveries = 0;
        server.io.on('connection', (s) => s.on('lost', () => deliveries++));
        const socket = client(server.url, { retries: 2, ackTimeout: 50 });
        await waitFor(socket, 'connect');
        const [error] = await new Promise<unknown[]>((resolve) => socket.emit('lost', (...a: unknown[]) => resolve(a)));
        expect((error as AckError).code).toBe('ACK_TIMEOUT');
        expect(deliveries).toBe(3);
      });

      it('resends a retried emit after a reconnection', async () => {
        const server = await start();
        let first = true;
        server.io.on('connection', (s) =>
          s.on('important', (cb: (v: string) => void) => {
            if (first) {
              first = false;
              s.conn.close(); // drop the connection instead of answering
            } else cb('got it');
          }),
        );
        const socket = client(server.url, { retries: 5, ackTimeout: 5000 });
        await waitFor(socket, 'connect');
        await expect(socket.emitWithAck('important')).resolves.toBe('got it');
      });
    });
  }
}
