import { describe, expect, it } from 'vitest';
import type { Socket } from '../src/index.js';
import { connected, startServer, until, waitFor, within } from './support/harness.js';
import { linkedAdapterGroup } from './support/linked-adapter.js';

describe('io.metrics()', () => {
  it('counts connections, sockets per namespace, packets, bytes, acks and disconnect reasons', async () => {
    const { io, url } = await startServer();
    const serverSockets: Socket[] = [];
    io.on('connection', (socket: Socket) => {
      serverSockets.push(socket);
      socket.on('hello', (text: string, ack: (reply: string) => void) => ack(`hi ${text}`));
    });
    io.of('/admin').on('connection', () => {});
    const before = io.metrics();
    expect(before).toMatchObject({ connectionsTotal: 0, connectionsOpen: 0, packetsIn: 0, bytesOut: 0 });

    const alice = await connected(url);
    const bob = await connected(url);
    const admin = await connected(`${url}/admin`);
    expect(await alice.timeout(5000).emitWithAck('hello', 'alice')).toBe('hi alice');

    const during = io.metrics();
    expect(during.connectionsTotal).toBe(3);
    expect(during.connectionsOpen).toBe(3);
    expect(during.socketsByNamespace).toEqual({ '/': 2, '/admin': 1 });
    // Three CONNECTs and one EVENT in; three CONNECT answers and one ACK out.
    expect(during.packetsIn).toBe(4);
    expect(during.packetsOut).toBe(4);
    expect(during.bytesIn).toBeGreaterThan('42["hello","alice"]'.length);
    expect(during.bytesOut).toBeGreaterThan('43["hi alice"]'.length);
    expect(during.queuedBytes).toBeGreaterThanOrEqual(0);

    // Each reason as the server reports it to its own `disconnect` listeners.
    const aliceGone = waitFor(serverSockets[0], 'disconnect');
    alice.disconnect();
    expect((await aliceGone)[0]).toBe('client namespace disconnect');
    const bobGone = waitFor(serverSockets[1], 'disconnect');
    serverSockets[1].disconnect(true);
    expect((await bobGone)[0]).toBe('server namespace disconnect');
    const adminGone = waitFor(admin, 'disconnect');
    admin.io.engine.close();
    await adminGone;
    await until(() => io.metrics().connectionsOpen === 0);

    const after = io.metrics();
    expect(after.connectionsTotal).toBe(3);
    expect(after.socketsByNamespace).toEqual({ '/': 0, '/admin': 0 });
    expect(after.disconnectsByReason).toEqual({
      'client namespace disconnect': 1,
      'server namespace disconnect': 1,
      'transport close': 1,
    });
    expect(bob.connected).toBe(false);
  });

  it('counts a broadcast once per receiving connection', async () => {
    const { io, url } = await startServer();
    const a = await connected(url, 'polling');
    const b = await connected(url);
    const start = io.metrics();
    const got = Promise.all([waitFor(a, 'news'), waitFor(b, 'news')]);
    io.emit('news', 'x'.repeat(100));
    await got;
    const end = io.metrics();
    expect(end.packetsOut - start.packetsOut).toBe(2);
    expect(end.bytesOut - start.bytesOut).toBeGreaterThanOrEqual(2 * 100);
  });

  it('counts recovered sessions', async () => {
    const { io, url } = await startServer({ connectionStateRecovery: { maxDisconnectionDuration: 10_000 } });
    const serverSockets: Socket[] = [];
    io.on('connection', (socket: Socket) => serverSockets.push(socket));
    const socket = await connected(url, 'websocket', { reconnection: true, reconnectionDelay: 50 });
    expect(io.metrics().recoveries).toBe(0);
    // Recovery needs an offset: the client must have received one event.
    const seen = waitFor(socket, 'seen');
    io.emit('seen');
    await seen;
    const back = waitFor(socket, 'connect');
    serverSockets[0].conn.close();
    await back;
    expect(socket.recovered).toBe(true);
    const snapshot = io.metrics();
    expect(snapshot.recoveries).toBe(1);
    expect(snapshot.disconnectsByReason).toEqual({ 'forced close': 1 });
  });

  it('counts adapter requests and their latency', async () => {
    const adapter = linkedAdapterGroup();
    const { io, url } = await startServer({ adapter });
    const other = await startServer({ adapter });
    other.io.on('ping', (ack: (reply: string) => void) => ack('pong'));
    await connected(url);
    await connected(other.url);
    expect(await io.fetchSockets()).toHaveLength(2);
    expect(await within(io.serverSideEmitWithAck('ping'), 5000, 'server-side ack')).toEqual(['pong']);
    const snapshot = io.metrics();
    expect(snapshot.adapterRequests).toBe(2);
    expect(snapshot.adapterResponses).toBe(2);
    expect(snapshot.adapterLatencyMsTotal).toBeGreaterThanOrEqual(0);
  });

  it('samples event-loop lag only once metrics were asked for', async () => {
    const { io } = await startServer();
    expect(io.metrics().eventLoopLag).toBeUndefined();
    // The histogram samples on its own timer; wait (bounded) until it has recorded something.
    await until(() => io.metrics().eventLoopLag !== undefined);
    const lag = io.metrics().eventLoopLag;
    expect(lag?.maxMs).toBeGreaterThan(0);
    expect(lag?.p99Ms).toBeGreaterThanOrEqual(lag?.p50Ms ?? 0);
  });
});
