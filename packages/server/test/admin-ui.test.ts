/**
 * The official admin UI (`@socket.io/admin-ui`) instruments a server through more than the public
 * API: `io._nsps`, `io.engine` and its raw sockets' `packet`/`packetCreate`/`upgrade` events, the
 * adapters' `join-room`/`leave-room` events, `socket.client.id`, `socket.conn.transport`, a Proxy
 * put in `socket.data`, `onAny`/`onAnyOutgoing`, `new_namespace`. Parley promises that it works, so
 * each scenario runs on both servers and what the admin client receives must be the same once the
 * values that differ between any two runs (ids, dates, ports, random keys) are replaced by labels.
 */
import { createServer } from 'node:http';
import { instrument } from '@socket.io/admin-ui';
import { Adapter as OfficialAdapter } from 'socket.io-adapter';
import { io as ioc, type ManagerOptions, type SocketOptions } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  ADMIN_WAIT_MS,
  type AdminEvent,
  AdminStream,
  type AnySocket,
  type Run,
  runOf,
  type Stats,
  trafficTotals,
  withoutTraffic,
} from './support/admin-stream.js';
import {
  IMPLEMENTATIONS,
  listenSideBySide,
  onTeardown,
  type ServerFactory,
  startSideBySide,
} from './support/side-by-side.js';
import { v2Client } from './support/v2-client.js';
import { until, waitFor } from './support/wait.js';

/** Where the hosted admin UI is served from. */
const ADMIN_ORIGIN = 'https://admin.socket.io';

/** bcrypt hash (cost 4, so that the test stays fast) of the password `secret`. */
const SECRET_HASH = '$2a$04$4ioFHTHoFMGwbmZCWUQeT.mWpn2/Sfd95FvEL9394nwad39EF/ZZG';

function clientOf(url: string, transports: string[], opts: Partial<ManagerOptions & SocketOptions> = {}) {
  const socket = ioc(url, { transports, forceNew: true, reconnection: false, ...opts });
  onTeardown(() => socket.disconnect());
  return socket;
}

/**
 * An ordinary client over websocket and one over polling that upgrades, on `/`; a room joined,
 * events both ways, the admin UI's `join`/`leave`/`emit`/`_disconnect` commands, a client leaving.
 */
async function basicScenario(
  factory: ServerFactory,
  mode: 'development' | 'production',
  options: Record<string, unknown> = {},
): Promise<Run> {
  const dev = mode === 'development';
  const { io, url, port } = await startSideBySide(factory, options);
  instrument(io, { auth: false, mode });
  const serverSockets: AnySocket[] = [];
  io.on('connection', (socket: AnySocket) => {
    serverSockets.push(socket);
    socket.on('join', (room: string) => socket.join(room));
    socket.on('hello', (name: string, ack: (answer: string) => void) => {
      socket.emit('welcome', `hi ${name}`);
      ack('ok');
    });
  });
  const serverSocket = (id: string | undefined) => serverSockets.find((s) => s.id === id);

  const ws = clientOf(url, ['websocket'], { auth: { who: 'ws' } });
  await waitFor(ws, 'connect');
  const admin = new AdminStream(clientOf(`${url}/admin`, ['websocket']));
  await admin.next('config');
  if (dev) await admin.next('all_sockets');
  // The interval has just emptied the traffic buffer: every figure from here on is the scenario's.
  const marker = await admin.next('server_stats');

  const polling = clientOf(url, ['polling', 'websocket'], { auth: { who: 'polling' } });
  await waitFor(polling.io.engine, 'upgrade');
  if (dev) await admin.next('socket_updated', (u) => u.id === polling.id && u.transport === 'websocket');

  ws.emit('join', 'lobby');
  if (dev) await admin.next('room_joined', (_nsp, room) => room === 'lobby');
  else await until(() => serverSocket(ws.id)?.rooms.has('lobby'), ADMIN_WAIT_MS, 'the join');
  expect(await ws.timeout(ADMIN_WAIT_MS).emitWithAck('hello', 'ada')).toBe('ok');
  if (dev) await admin.next('event_sent', (_nsp, id, args) => id === ws.id && args[0] === 'welcome');

  admin.socket.emit('join', '/', 'vip');
  if (dev) await admin.next('room_joined', (_nsp, room, id) => room === 'vip' && id === polling.id);
  else await until(() => serverSocket(polling.id)?.rooms.has('vip'), ADMIN_WAIT_MS, 'the admin join');
  admin.socket.emit('leave', '/', 'vip', 'lobby');
  if (dev) await admin.next('room_left', (_nsp, room, id) => room === 'vip' && id === ws.id);
  else await until(() => !serverSocket(ws.id)?.rooms.has('vip'), ADMIN_WAIT_MS, 'the admin leave');
  const news = waitFor(ws, 'news');
  admin.socket.emit('emit', '/', 'lobby', 'news', 1, 'two');
  expect(await news).toEqual([1, 'two']);
  if (dev) await admin.next('event_sent', (_nsp, id, args) => id === ws.id && args[0] === 'news');

  const ids = { ws: ws.id!, polling: polling.id!, admin: admin.socket.id! };
  const kicked = waitFor(ws, 'disconnect');
  admin.socket.emit('_disconnect', '/', false, ids.ws);
  expect(await kicked).toEqual(['io server disconnect', undefined]);
  if (dev) await admin.next('socket_disconnected', (_nsp, id) => id === ids.ws);
  polling.disconnect();
  if (dev) await admin.next('socket_disconnected', (_nsp, id) => id === ids.polling);
  // Both clients' engine connections are closed once only the admin's is counted.
  const final = await admin.next('server_stats', (s) => s.clientsCount === 1);

  const transcript = {
    events: admin.since(0),
    stats: withoutTraffic(final),
    traffic: trafficTotals(admin.events, marker, final),
  };
  return runOf(transcript, ids, [...serverSockets, io.of('/admin').sockets.get(ids.admin)], admin, port);
}

/**
 * A middleware and a handler writing `socket.data`, a dynamic namespace sharing a polling-only
 * client with `/`, an `x-forwarded-for` header, `_disconnect` closing the connection.
 */
async function dataAndNamespacesScenario(factory: ServerFactory): Promise<Run> {
  const { io, url, port } = await startSideBySide(factory);
  io.on('connection', (socket: AnySocket) => {
    // Registered before instrument(): admin-ui's own listener still runs first (prependListener).
    socket.data.early = true;
  });
  instrument(io, { auth: false, mode: 'development' });
  io.use((socket: AnySocket, next: () => void) => {
    socket.data = { user: socket.handshake.auth.who };
    next();
  });
  const serverSockets: AnySocket[] = [];
  const track = (socket: AnySocket) => {
    serverSockets.push(socket);
    socket.on('score', (score: unknown) => {
      socket.data.score = score;
    });
  };
  io.on('connection', track);
  io.of(/^\/dyn-\d+$/).on('connection', track);

  const admin = new AdminStream(clientOf(`${url}/admin`, ['websocket']));
  await admin.next('all_sockets');
  const marker = await admin.next('server_stats');
  const from = admin.events.indexOf(marker) + 1;

  const poller = clientOf(url, ['polling'], { auth: { who: 'poller' } });
  await waitFor(poller, 'connect');
  const dyn = poller.io.socket('/dyn-1', { auth: { who: 'dyn' } });
  await waitFor(dyn, 'connect');
  await admin.next('socket_connected', (s) => s.id === dyn.id);
  poller.emit('score', 3);
  await admin.next('socket_updated', (u) => u.id === poller.id && u.data?.score === 3);
  dyn.emit('score', { deep: Buffer.from([1, 2, 3]) });
  await admin.next('socket_updated', (u) => u.id === dyn.id && u.data?.score !== undefined);
  const forwarded = clientOf(url, ['websocket'], { extraHeaders: { 'x-forwarded-for': '10.0.0.9' } });
  await waitFor(forwarded, 'connect');
  await admin.next('socket_connected', (s) => s.id === forwarded.id);
  const withPolling = await admin.next('server_stats', (s) => s.clientsCount === 3);

  admin.socket.emit('join', '/dyn-1', 'r1');
  await admin.next('room_joined', (_nsp, room) => room === 'r1');
  const ids = { poller: poller.id!, dyn: dyn.id!, forwarded: forwarded.id!, admin: admin.socket.id! };
  const closed = waitFor(poller, 'disconnect');
  admin.socket.emit('_disconnect', '/dyn-1', true);
  await closed;
  await admin.next('socket_disconnected', (_nsp, id) => id === ids.dyn);
  forwarded.io.engine.close();
  await admin.next('socket_disconnected', (_nsp, id) => id === ids.forwarded);
  const final = await admin.next('server_stats', (s) => s.clientsCount === 1);

  const transcript = {
    events: admin.since(from),
    stats: [withoutTraffic(withPolling), withoutTraffic(final)],
    traffic: trafficTotals(admin.events, marker, final),
  };
  return runOf(transcript, ids, [...serverSockets, io.of('/admin').sockets.get(ids.admin)], admin, port);
}

/**
 * instrument() before the server is attached, basic authentication with a session, `readonly`,
 * a custom admin namespace and server id, a namespace created later, binary arguments.
 */
async function optionsScenario(factory: ServerFactory): Promise<Run> {
  const http = createServer();
  // The options the admin UI's documentation gives for its hosted page at admin.socket.io.
  const io = factory(undefined as never, { cors: { origin: [ADMIN_ORIGIN], credentials: true } });
  instrument(io, {
    auth: { type: 'basic', username: 'admin', password: SECRET_HASH },
    mode: 'development',
    namespaceName: '/control',
    readonly: true,
    serverId: 'node-a',
  });
  io.attach(http);
  const { port, url } = await listenSideBySide(http, io);

  const refused = clientOf(`${url}/control`, ['websocket'], { auth: { username: 'admin', password: 'wrong' } });
  const [error] = await waitFor<[Error]>(refused, 'connect_error');
  expect(error.message).toBe('invalid credentials');

  const first = new AdminStream(
    clientOf(`${url}/control`, ['polling'], {
      auth: { username: 'admin', password: 'secret' },
      extraHeaders: { origin: ADMIN_ORIGIN },
      withCredentials: true,
    }),
  );
  const [, sessionId] = await first.next('session');
  await first.next('all_sockets');
  const admin = new AdminStream(clientOf(`${url}/control`, ['websocket'], { auth: { sessionId } }));
  await admin.next('all_sockets');

  const late = io.of('/late');
  const serverSockets: AnySocket[] = [];
  late.on('connection', (socket: AnySocket) => {
    serverSockets.push(socket);
    socket.on('blob', (data: unknown, ack: (echo: unknown) => void) => ack(data));
  });
  const client = clientOf(`${url}/late`, ['websocket']);
  await waitFor(client, 'connect');
  const echo = await client.timeout(ADMIN_WAIT_MS).emitWithAck('blob', { bytes: Buffer.from([7, 8, 9]) });
  expect(Buffer.from(echo.bytes)).toEqual(Buffer.from([7, 8, 9]));
  await admin.next('event_received', (_nsp, id, args) => id === client.id && args[0] === 'blob');
  const ids = { first: first.socket.id!, admin: admin.socket.id!, client: client.id!, session: String(sessionId) };
  client.disconnect();
  await admin.next('socket_disconnected', (_nsp, id) => id === ids.client);
  const stats = await admin.next('server_stats', (s) => s.clientsCount === 2);

  const transcript = { first: first.since(0), events: admin.since(0), stats: withoutTraffic(stats) };
  return runOf(transcript, ids, [...serverSockets, ...io.of('/control').sockets.values()], admin, port);
}

/**
 * Outgoing events of every kind (acknowledged, broadcast, volatile, with a timeout), a connection
 * recovered after its transport dropped, a client that stops answering pings, a malformed packet,
 * a child namespace removed once empty.
 */
async function edgesScenario(factory: ServerFactory): Promise<Run> {
  const { io, url, port } = await startSideBySide(factory, {
    connectionStateRecovery: { maxDisconnectionDuration: 10_000 },
    cleanupEmptyChildNamespaces: true,
    pingInterval: 300,
    pingTimeout: 200,
  });
  instrument(io, { auth: false, mode: 'development' });
  const serverSockets: AnySocket[] = [];
  io.on('connection', (socket: AnySocket) => {
    serverSockets.push(socket);
    // The malformed packet below is expected: without a listener, both servers log it.
    socket.on('error', () => {});
    if (!socket.recovered) socket.join(['r', 's']);
    socket.on('go', async (done: () => void) => {
      await socket.timeout(ADMIN_WAIT_MS).emitWithAck('q', 1);
      io.to('r').emit('b', 2);
      socket.broadcast.emit('nobody');
      await io.timeout(ADMIN_WAIT_MS).emitWithAck('t', 3);
      io.except('s').emit('nobody');
      io.volatile.emit('v');
      io.local.emit('l', Buffer.from([1]));
      socket.compress(false).emit('c');
      socket.leave('s');
      done();
    });
  });
  io.of(/^\/dyn-\d+$/).on('connection', (socket: AnySocket) => serverSockets.push(socket));

  const admin = new AdminStream(clientOf(`${url}/admin`, ['websocket']));
  await admin.next('all_sockets');
  const marker = await admin.next('server_stats');
  const from = admin.events.indexOf(marker) + 1;

  const client = clientOf(url, ['websocket'], { reconnection: true, reconnectionDelay: 50, reconnectionDelayMax: 50 });
  await waitFor(client, 'connect');
  client.on('q', (n: number, ack: (answer: number) => void) => ack(n));
  client.on('t', (n: number, ack: (answer: number) => void) => ack(n));
  await client.timeout(ADMIN_WAIT_MS).emitWithAck('go');
  const ids: Record<string, string> = { client: client.id!, admin: admin.socket.id! };
  await admin.next('room_left', (_nsp, room) => room === 's');

  // The transport drops; the client reconnects and its session is recovered.
  client.io.engine.close();
  await waitFor(client, 'connect');
  expect(client.recovered).toBe(true);
  await admin.next('socket_connected', (s) => s.id === ids.client);

  const dyn = clientOf(`${url}/dyn-1`, ['websocket']);
  await waitFor(dyn, 'connect');
  ids.dyn = dyn.id!;
  dyn.disconnect();
  await admin.next('socket_disconnected', (_nsp, id) => id === ids.dyn);
  const dyn2 = clientOf(`${url}/dyn-1`, ['websocket']);
  await waitFor(dyn2, 'connect');
  ids.dyn2 = dyn2.id!;
  await admin.next('socket_connected', (s) => s.id === ids.dyn2);

  // A raw client that connects and then answers nothing: the ping times it out.
  const silent = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`);
  onTeardown(() => silent.terminate());
  silent.on('message', (data) => {
    if (String(data).startsWith('0')) silent.send('40');
  });
  const [silentSocket] = await admin
    .next('socket_connected', (s) => s.handshake.headers['user-agent'] === undefined && s.nsp === '/')
    .then((e) => e.slice(1) as AnySocket[]);
  ids.silent = silentSocket.id;
  await admin.next('socket_disconnected', (_nsp, id) => id === ids.silent);

  // A raw client that sends a malformed packet.
  const rude = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`);
  onTeardown(() => rude.terminate());
  rude.on('message', (data) => {
    if (String(data).startsWith('0')) rude.send('40');
    else if (String(data).startsWith('40')) rude.send('4garbage');
    else if (String(data) === '2') rude.send('3');
  });
  const [rudeSocket] = await admin
    .next('socket_connected', (s) => s.handshake.headers['user-agent'] === undefined && s.nsp === '/')
    .then((e) => e.slice(1) as AnySocket[]);
  ids.rude = rudeSocket.id;
  await admin.next('socket_disconnected', (_nsp, id) => id === ids.rude);
  const final = await admin.next('server_stats', (s) => s.clientsCount === 3);

  // Offsets, whose length is the implementation's own, ride on packets both ways: bytes differ.
  const { bytesIn: _in, bytesOut: _out, ...traffic } = trafficTotals(admin.events, marker, final);
  const transcript = { events: admin.since(from).map(withoutOffsets), stats: withoutTraffic(final), traffic };
  return runOf(transcript, ids, [...serverSockets, io.of('/admin').sockets.get(ids.admin)], admin, port);
}

/**
 * With connection state recovery on, every event of a recovered namespace (the admin namespace
 * too) carries an offset as its last argument: an opaque token whose format is the server's own.
 * The events this scenario sends carry no string of their own, so a trailing string is an offset.
 */
function withoutOffsets(event: AdminEvent): AdminEvent {
  expect(typeof event[event.length - 1]).toBe('string');
  const [name, ...args] = event.slice(0, -1) as AdminEvent;
  if (name === 'event_sent') {
    const sent = args[2] as unknown[];
    if (sent.length > 1 && typeof sent[sent.length - 1] === 'string') args[2] = [...sent.slice(0, -1), '<offset>'];
  }
  return [name, ...args];
}

/**
 * Middlewares that join a room or refuse the connection, a v2 client (Engine.IO 3) upgrading, a
 * handler disconnecting its socket at once, an admin command naming a namespace not created yet.
 */
async function middlewareScenario(factory: ServerFactory): Promise<Run> {
  const { io, url, port } = await startSideBySide(factory, { allowEIO3: true });
  instrument(io, { auth: false, mode: 'development' });
  io.use((socket: AnySocket, next: (err?: Error) => void) => {
    socket.join('early');
    if (socket.handshake.auth.refuse || socket.handshake.query.refuse) next(new Error('refused'));
    else next();
  });
  const serverSockets: AnySocket[] = [];
  io.on('connection', (socket: AnySocket) => {
    serverSockets.push(socket);
    if (socket.handshake.auth.leave) socket.disconnect(true);
  });

  const admin = new AdminStream(clientOf(`${url}/admin`, ['websocket']));
  await admin.next('all_sockets');
  const marker = await admin.next('server_stats');
  const from = admin.events.indexOf(marker) + 1;

  const refused = clientOf(url, ['websocket'], { auth: { refuse: true } });
  await waitFor(refused, 'connect_error');
  // The refused socket joined a room in the middleware; it never connected, so only the admin stream knows its id.
  const [, , , refusedId] = await admin.next('room_left', (_nsp, room) => room === 'early');
  const leaving = clientOf(url, ['websocket'], { auth: { leave: true } });
  await waitFor(leaving, 'disconnect');
  const v2 = v2Client(url, 'upgrade');
  onTeardown(() => v2.close());
  await waitFor(v2.io.engine, 'upgrade');
  await admin.next('socket_updated', (u) => u.transport === 'websocket');
  const ids: Record<string, string> = {
    admin: admin.socket.id!,
    v2: serverSockets[1].id,
    leaving: serverSockets[0].id,
    refused: String(refusedId),
  };
  admin.socket.emit('emit', '/later', null, 'hello');
  const stats = await admin.next('server_stats', (s) => s.namespaces.length === 3);
  v2.close();
  await admin.next('socket_disconnected', (_nsp, id) => id === ids.v2);
  const final = await admin.next('server_stats', (s) => s.clientsCount === 1);

  const transcript = {
    events: admin.since(from),
    stats: [withoutTraffic(stats), withoutTraffic(final)],
    traffic: trafficTotals(admin.events, marker, final),
  };
  return runOf(transcript, ids, [...serverSockets, io.of('/admin').sockets.get(ids.admin)], admin, port);
}

/** io.close() with the admin and two ordinary clients connected, one of them over polling. */
async function closeScenario(factory: ServerFactory): Promise<Run> {
  const { io, url, port } = await startSideBySide(factory);
  instrument(io, { auth: false, mode: 'development' });
  const serverSockets: AnySocket[] = [];
  io.on('connection', (socket: AnySocket) => serverSockets.push(socket));
  const ws = clientOf(url, ['websocket']);
  await waitFor(ws, 'connect');
  const polling = clientOf(url, ['polling']);
  await waitFor(polling, 'connect');
  const admin = new AdminStream(clientOf(`${url}/admin`, ['websocket']));
  await admin.next('all_sockets');
  const ids: Record<string, string> = { admin: admin.socket.id!, ws: ws.id!, polling: polling.id! };
  const adminGone = waitFor(admin.socket, 'disconnect');
  const pollingGone = waitFor(polling, 'disconnect');
  const wsGone = waitFor(ws, 'disconnect');
  await io.close();
  const reasons = { admin: (await adminGone)[0], polling: (await pollingGone)[0], ws: (await wsGone)[0] };
  // Not compared, a known difference: the admin events emitted during close(). socket.io's
  // websocket transport writes the first one (`socket_disconnected` of the first socket of `/`,
  // 'server shutting down') at once and its engine discards the rest as it closes; Parley's engine
  // queues every write until the end of the event-loop turn, so close() discards them all.
  const transcript = { reasons };
  return runOf(transcript, ids, [...serverSockets, io.of('/admin').sockets.get(ids.admin)], admin, port);
}

/** Runs `scenario` on each implementation in turn. */
async function onBoth(scenario: (factory: ServerFactory) => Promise<Run>) {
  const runs: Record<string, Run> = {};
  for (const [name, factory] of IMPLEMENTATIONS) runs[name] = await scenario(factory);
  return { parley: runs.parley!, official: runs['socket.io']! };
}

const named = (events: AdminEvent[], name: string) => events.filter(([n]) => n === name);

describe('@socket.io/admin-ui instrument() on Parley and on socket.io', () => {
  it('development mode: sockets, rooms, events and admin commands stream the same', async () => {
    const { parley, official } = await onBoth((factory) => basicScenario(factory, 'development'));
    expect(parley.transcript).toEqual(official.transcript);

    // What the comparison covers, checked on Parley's own stream.
    const { events, ids } = parley.raw;
    expect(named(events, 'config')[0]![1]).toEqual({
      supportedFeatures: [
        'EMIT',
        'JOIN',
        'LEAVE',
        'DISCONNECT',
        'MJOIN',
        'MLEAVE',
        'MDISCONNECT',
        'AGGREGATED_EVENTS',
        'ALL_EVENTS',
      ],
    });
    const [all] = named(events, 'all_sockets')[0]!.slice(1) as [AnySocket[]];
    expect(all.map((s) => [s.id, s.nsp, s.transport, s.rooms])).toEqual([
      [ids.ws, '/', 'websocket', [ids.ws]],
      [ids.admin, '/admin', 'websocket', [ids.admin]],
    ]);
    const connected = named(events, 'socket_connected').find(([, s]) => (s as AnySocket).id === ids.polling)!;
    expect(connected[1]).toMatchObject({
      nsp: '/',
      transport: 'polling',
      handshake: { query: { transport: 'polling' } },
    });
    expect(named(events, 'socket_disconnected').map(([, nsp, id, reason]) => [nsp, id, reason])).toEqual([
      ['/', ids.ws, 'server namespace disconnect'],
      ['/', ids.polling, 'client namespace disconnect'],
    ]);
    expect(named(events, 'event_received').map(([, , id, args]) => [id, args])).toEqual([
      [ids.ws, ['join', 'lobby']],
      [ids.ws, ['hello', 'ada']],
    ]);
  });

  it('production mode: only the configuration and the stats, the same', async () => {
    const { parley, official } = await onBoth((factory) => basicScenario(factory, 'production'));
    expect(parley.transcript).toEqual(official.transcript);
    expect(new Set(parley.raw.events.map(([name]) => name))).toEqual(new Set(['config', 'server_stats']));
  });

  it('socket.data, a dynamic namespace, a polling-only client and _disconnect(close) stream the same', async () => {
    const { parley, official } = await onBoth(dataAndNamespacesScenario);
    expect(parley.transcript).toEqual(official.transcript);
    const stats = named(parley.raw.events, 'server_stats').map(([, s]) => s as Stats);
    expect(stats.some((s) => s.clientsCount === 3 && s.pollingClientsCount === 1)).toBe(true);
  });

  it('authentication, readonly, a custom namespace, instrument() before attach() work the same', async () => {
    const { parley, official } = await onBoth(optionsScenario);
    expect(parley.transcript).toEqual(official.transcript);
    const { events, ids } = parley.raw;
    expect(named(events, 'config')[0]![1]).toEqual({ supportedFeatures: ['AGGREGATED_EVENTS', 'ALL_EVENTS'] });
    const [all] = named(events, 'all_sockets')[0]!.slice(1) as [AnySocket[]];
    const first = all.find((s) => s.id === ids.first);
    expect(first).toMatchObject({ nsp: '/control', transport: 'polling', handshake: { xdomain: true } });
    expect(first.handshake.headers.origin).toBe(ADMIN_ORIGIN);
  });

  it('with the official socket.io-adapter Adapter, the stream is the same', async () => {
    const { parley, official } = await onBoth((factory) =>
      basicScenario(factory, 'development', { adapter: OfficialAdapter }),
    );
    expect(parley.transcript).toEqual(official.transcript);
  });

  it('acknowledged, broadcast and volatile emits, recovery, ping timeout, a malformed packet stream the same', async () => {
    const { parley, official } = await onBoth(edgesScenario);
    expect(parley.transcript).toEqual(official.transcript);
    const reasons = named(parley.raw.events, 'socket_disconnected').map(([, , , reason]) => reason);
    expect(reasons).toEqual(['transport close', 'client namespace disconnect', 'ping timeout', 'forced close']);
  });

  it('middlewares, a v2 client and an admin command on a new namespace stream the same', async () => {
    const { parley, official } = await onBoth(middlewareScenario);
    expect(parley.transcript).toEqual(official.transcript);
  });

  it('io.close() disconnects the admin and the clients with the same reasons', async () => {
    const { parley, official } = await onBoth(closeScenario);
    expect(parley.transcript).toEqual(official.transcript);
  });
});
