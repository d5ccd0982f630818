import { describe, expect, it } from 'vitest';
import { until, waitFor } from '../support/wait.js';
import { nextConnection, pollingHandshake, pollingSession, startEngine, untilPollParked } from './helpers.js';
import { http, rawWebSocket } from './raw-clients.js';

describe('close', () => {
  it('client close packet over polling closes the session with "transport close"', async () => {
    const test = await startEngine();
    const { sid, socket } = await pollingSession(test);
    const closed = waitFor<[string]>(socket, 'close');
    const res = await http(test.url({ EIO: '4', transport: 'polling', sid }), { method: 'POST', body: '1' });
    expect(res.body).toBe('ok');
    expect((await closed)[0]).toBe('transport close');
    const after = await http(test.url({ EIO: '4', transport: 'polling', sid }));
    expect(JSON.parse(after.body)).toEqual({ code: 1, message: 'Session ID unknown' });
  });

  it('server close over polling flushes queued messages, then sends the close packet', async () => {
    const test = await startEngine();
    const { sid, socket } = await pollingSession(test);
    const url = test.url({ EIO: '4', transport: 'polling', sid });
    socket.send('last words');
    socket.close();
    expect(socket.readyState).toBe('closing');
    socket.send('ignored after close');
    const closed = waitFor<[string]>(socket, 'close');
    expect((await http(url)).body).toBe('4last words');
    // A GET arriving while the session closes gets NOOP then CLOSE, as from engine.io.
    expect((await http(url)).body).toBe('6\x1e1');
    expect((await closed)[0]).toBe('forced close');
    expect(test.engine.clientsCount).toBe(0);
  });

  it('server close over WebSocket flushes and closes the connection', async () => {
    const test = await startEngine();
    const connection = nextConnection(test.engine);
    const client = await rawWebSocket(test.url({ EIO: '4', transport: 'websocket' }));
    await client.next();
    const socket = await connection;
    const closed = waitFor<[string]>(socket, 'close');
    socket.send('bye');
    socket.close();
    expect(await client.next()).toBe('4bye');
    await waitFor(client.ws, 'close');
    expect((await closed)[0]).toBe('forced close');
  });

  it('client close over WebSocket (a dropped connection; a close packet is ignored)', async () => {
    const test = await startEngine();
    const first = nextConnection(test.engine);
    const a = await rawWebSocket(test.url({ EIO: '4', transport: 'websocket' }));
    const socketA = await first;
    const packets: string[] = [];
    socketA.on('packet', (packet: { type: string }) => packets.push(packet.type));
    a.ws.send('1');
    a.ws.send('6');
    await until(() => packets.length === 2);
    expect(packets).toEqual(['close', 'noop']);
    expect(socketA.readyState).toBe('open');
    const closedA = waitFor<[string]>(socketA, 'close');
    a.ws.terminate();
    expect((await closedA)[0]).toBe('transport close');

    const second = nextConnection(test.engine);
    const b = await rawWebSocket(test.url({ EIO: '4', transport: 'websocket' }));
    const socketB = await second;
    const closedB = waitFor<[string]>(socketB, 'close');
    b.ws.terminate();
    expect((await closedB)[0]).toBe('transport close');
    expect(test.engine.clientsCount).toBe(0);
  });

  it('engine.close() closes every session on every transport', async () => {
    const test = await startEngine();
    const reasons: string[] = [];
    test.engine.on('connection', (socket) => socket.on('close', (reason: string) => reasons.push(reason)));
    const ws = await rawWebSocket(test.url({ EIO: '4', transport: 'websocket' }));
    const { sid } = await pollingHandshake(test);
    const pending = http(test.url({ EIO: '4', transport: 'polling', sid }));
    await untilPollParked(test.engine.clients[sid]);
    test.engine.close();
    expect(reasons).toEqual(['forced close', 'forced close']);
    expect(test.engine.clientsCount).toBe(0);
    expect((await pending).body).toBe('1');
    await waitFor(ws.ws, 'close');
  });

  it('socket.close(true) discards queued messages', async () => {
    const test = await startEngine();
    const connection = nextConnection(test.engine);
    const client = await rawWebSocket(test.url({ EIO: '4', transport: 'websocket' }));
    await client.next();
    const socket = await connection;
    socket.send('never delivered');
    socket.close(true);
    expect(socket.readyState).toBe('closed');
    await waitFor(client.ws, 'close');
    expect(client.messages).toEqual([]);
  });
});
