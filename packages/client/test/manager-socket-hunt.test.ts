/**
 * The Manager and Socket as an application drives them, side by side with socket.io-client (the
 * spec): the ordered events of the Manager (`socket.io`) and of the Socket, with the socket's
 * state at each one, through a connection's life (server down at start, server-side
 * disconnect, middleware and namespace refusals, connect timeout, `disconnect()` during a
 * reconnection); the members socket.io-client's `io` function carries (`io.connect`,
 * `io.Manager`, ...); and listener bookkeeping (`off` counts its arguments, `offAny` takes out
 * one registration, `listenersAny` is the socket's own list).
 */
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { io as officialIo } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { io as parleyIo, type Socket } from '../src/index.js';
import { type ClientOptions, clients } from './clients.js';
import { socketIoServer, type TestServer, waitFor } from './helpers.js';
import { closedAfterEach } from './per-test-fixture.js';

/** Records Manager and Socket events, each with what the socket's state reads at that moment. */
function record(socket: Socket): string[] {
  const log: string[] = [];
  const state = () =>
    `${socket.connected ? 'connected' : 'disconnected'}${socket.active ? ' active' : ''}${socket.id ? ' id' : ''}`;
  const manager = socket.io;
  manager.on('open', () => log.push(`io open (${state()})`));
  manager.on('error', (error) => log.push(`io error ${error.message} (${state()})`));
  manager.on('close', (reason) => log.push(`io close ${reason} (${state()})`));
  manager.on('reconnect_attempt', (attempt) => log.push(`io reconnect_attempt ${attempt} (${state()})`));
  manager.on('reconnect_error', (error) => log.push(`io reconnect_error ${error.message} (${state()})`));
  manager.on('reconnect_failed', () => log.push(`io reconnect_failed (${state()})`));
  manager.on('reconnect', (attempt) => log.push(`io reconnect ${attempt} (${state()})`));
  socket.on('connect', () => log.push(`connect (${state()})`));
  socket.on('connect_error', (error) => {
    const data = (error as Error & { data?: unknown }).data;
    log.push(`connect_error ${error.message}${data ? ` ${JSON.stringify(data)}` : ''} (${state()})`);
  });
  socket.on('disconnect', (reason) => log.push(`disconnect ${reason} (${state()})`));
  return log;
}

for (const client of clients) {
  describe(`Manager and Socket event sequences [${client.name}]`, () => {
    const { fixture, sockets } = closedAfterEach(socketIoServer);
    const open = (url: string, options: ClientOptions = {}): Socket =>
      sockets.open(client, url, { transports: ['websocket'], ...options });
    let tcp: TcpServer | undefined;
    afterEach(() => {
      tcp?.close();
      tcp = undefined;
    });

    it('server down at start: error on each try, reconnect_failed once attempts are used up', async () => {
      const server = await fixture.server();
      await server.close();
      const socket = open(server.url, { reconnectionAttempts: 1 });
      const log = record(socket);
      await waitFor(socket.io, 'reconnect_failed');
      expect(log).toEqual([
        'connect_error websocket error (disconnected active)',
        'io error websocket error (disconnected active)',
        'io reconnect_attempt 1 (disconnected active)',
        'connect_error websocket error (disconnected active)',
        'io error websocket error (disconnected active)',
        'io reconnect_failed (disconnected active)',
        'io reconnect_error websocket error (disconnected active)',
      ]);
    });

    it("server-side disconnect(): the Manager closes first, then 'io server disconnect', no reconnection", async () => {
      const server = await fixture.server();
      server.io.on('connection', (s) => s.on('kick', () => s.disconnect()));
      const socket = open(server.url);
      const log = record(socket);
      await waitFor(socket, 'connect');
      socket.emit('kick');
      await waitFor(socket, 'disconnect');
      socket.emit('later', 1);
      expect(socket.sendBuffer).toEqual([{ type: 2, data: ['later', 1], options: { compress: true } }]);
      expect(log).toEqual([
        'io open (disconnected active)',
        'connect (connected active id)',
        'io close forced close (connected id)',
        'disconnect io server disconnect (disconnected)',
      ]);
    });

    it('middleware refusal and unknown namespace: the Manager closes before connect_error', async () => {
      const server = await fixture.server();
      server.io.use((_s, next) => next(Object.assign(new Error('nope'), { data: { why: 1 } })));
      const refused = open(server.url);
      const refusedLog = record(refused);
      await waitFor(refused, 'connect_error');
      const unknown = open(`${server.url}/nowhere`);
      const unknownLog = record(unknown);
      await waitFor(unknown, 'connect_error');
      const expected = (error: string) => [
        'io open (disconnected active)',
        'io close forced close (disconnected)',
        `connect_error ${error} (disconnected)`,
      ];
      expect(refusedLog).toEqual(expected('nope {"why":1}'));
      expect(unknownLog).toEqual(expected('Invalid namespace'));
    });

    it("connect timeout: 'timeout' errors on each try", async () => {
      // accepts the TCP connection and never answers the WebSocket upgrade
      tcp = createTcpServer((connection) => connection.on('error', () => {}));
      await new Promise<void>((resolve) => tcp!.listen(0, '127.0.0.1', resolve));
      const { port } = tcp.address() as { port: number };
      const socket = open(`http://127.0.0.1:${port}`, { timeout: 100, reconnectionAttempts: 1 });
      const log = record(socket);
      await waitFor(socket.io, 'reconnect_failed');
      expect(log).toEqual([
        'connect_error timeout (disconnected active)',
        'io error timeout (disconnected active)',
        'io reconnect_attempt 1 (disconnected active)',
        'connect_error timeout (disconnected active)',
        'io error timeout (disconnected active)',
        'io reconnect_failed (disconnected active)',
        'io reconnect_error timeout (disconnected active)',
      ]);
    });

    it('disconnect() during a reconnection stops it and keeps the send buffer for connect()', async () => {
      const server: TestServer = await fixture.server();
      const socket = open(server.url);
      await waitFor(socket, 'connect');
      const dropped = waitFor(socket, 'disconnect');
      await server.close();
      await dropped;
      await waitFor(socket.io, 'reconnect_error');
      const log = record(socket);
      socket.emit('kept', 1);
      socket.disconnect();
      expect(log).toEqual(['io close forced close (disconnected)']);
      expect(socket.sendBuffer).toHaveLength(1);
      const restarted = await fixture.server({}, server.port);
      const received = waitFor<[number]>(restarted.io, 'connection').then(([s]) =>
        waitFor<[number]>(s as unknown as Socket, 'kept'),
      );
      socket.connect();
      await expect(received).resolves.toEqual([1]);
      expect(log.slice(1)).toEqual(['io open (disconnected active)', 'connect (connected active id)']);
    });
  });

  describe(`listener bookkeeping [${client.name}]`, () => {
    const unconnected = () => client.connect('http://127.0.0.1:1', { autoConnect: false });

    it('off() counts its arguments: off(event, undefined) takes out one listener, off(undefined) none', () => {
      const socket = unconnected();
      const [once, first, second] = [() => {}, () => {}, () => {}];
      socket.once('a', once).on('a', first).on('a', second).on('b', first);
      socket.off('a', undefined); // the first listener not added with once(), as socket.io-client does
      socket.off(undefined);
      expect(socket.listeners('a')).toHaveLength(2);
      expect(socket.listeners('a')[1]).toBe(second);
      expect(socket.listeners('b')).toEqual([first]);
      socket.removeListener('a');
      expect([socket.listeners('a').length, socket.listeners('b').length]).toEqual([0, 1]);
      socket.removeAllListeners();
      expect(socket.hasListeners('b')).toBe(false);
    });

    it('listeners() is the live list, with a once listener as its wrapper (fn); it goes once empty', () => {
      const socket = unconnected();
      const [plain, once, later] = [() => {}, () => {}, () => {}];
      socket.on('a', plain).once('a', once);
      const list = socket.listeners('a');
      expect(list[0]).toBe(plain);
      expect(list[1]).not.toBe(once);
      expect((list[1] as { fn?: unknown }).fn).toBe(once);
      socket.on('a', later);
      expect(list).toBe(socket.listeners('a'));
      expect(list).toHaveLength(3);
      for (const listener of [plain, once, later]) socket.off('a', listener);
      expect(list).toHaveLength(0);
      socket.on('a', plain);
      // A new list: the emptied one was dropped.
      expect(socket.listeners('a')).not.toBe(list);
      expect(socket.listeners('nothing')).toEqual([]);
    });

    it('offAny / offAnyOutgoing take out one registration; listenersAny is the socket’s own list', () => {
      const socket = unconnected();
      const listener = () => {};
      socket.onAny(listener).onAny(listener).offAny(listener);
      socket.onAnyOutgoing(listener).onAnyOutgoing(listener).offAnyOutgoing(listener);
      expect(socket.listenersAny()).toEqual([listener]);
      expect(socket.listenersAnyOutgoing()).toEqual([listener]);
      const list = socket.listenersAny();
      socket.prependAny(listener);
      expect(list).toBe(socket.listenersAny());
      expect(list).toHaveLength(2);
      socket.offAny();
      expect(socket.listenersAny()).toEqual([]);
    });
  });
}

describe('the io function', () => {
  it('carries connect, io, Manager and Socket as socket.io-client’s does', async () => {
    const parley = await import('../src/index.js');
    const official = await import('socket.io-client');
    for (const [io, { Manager, Socket }] of [
      [parleyIo, parley],
      [officialIo, official],
    ] as const) {
      const members = io as unknown as Record<string, unknown>;
      expect(members.connect).toBe(io);
      expect(members.io).toBe(io);
      expect(members.Manager).toBe(Manager);
      expect(members.Socket).toBe(Socket);
    }
  });

  it('takes the legacy `force new connection` option as forceNew', () => {
    for (const io of [parleyIo, officialIo] as const) {
      const options = { 'force new connection': true, autoConnect: false } as Record<string, unknown>;
      const first = io('http://127.0.0.1:9/legacy', options);
      const second = io('http://127.0.0.1:9/other', options);
      expect(second.io).not.toBe(first.io);
      // Without it, the second namespace shares the first's Manager.
      const shared = io('http://127.0.0.1:9/a', { autoConnect: false });
      expect(io('http://127.0.0.1:9/b', { autoConnect: false }).io).toBe(shared.io);
    }
  });
});
