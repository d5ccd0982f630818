import { describe, expect, it } from 'vitest';
import type { Socket } from '../../src/engine/index.js';
import { until, waitFor, within } from '../support/wait.js';
import { nextConnection, pollingHandshake, pollingSession, startEngine } from './helpers.js';
import { http, rawWebSocket } from './raw-clients.js';

describe('heartbeat', () => {
  it('pings every pingInterval and stays open while the client answers (WebSocket)', async () => {
    const test = await startEngine({ pingInterval: 50, pingTimeout: 100 });
    const connection = nextConnection(test.engine);
    const client = await rawWebSocket(test.url({ EIO: '4', transport: 'websocket' }));
    await client.next();
    const socket = await connection;
    let heartbeats = 0;
    socket.on('heartbeat', () => heartbeats++);
    for (let i = 0; i < 3; i++) {
      expect(await client.next()).toBe('2');
      client.ws.send('3');
    }
    await waitFor(socket, 'heartbeat');
    expect(heartbeats).toBeGreaterThanOrEqual(3);
    expect(socket.readyState).toBe('open');
  });

  it('closes with "ping timeout" when the client does not answer (WebSocket)', async () => {
    const test = await startEngine({ pingInterval: 50, pingTimeout: 100 });
    const connection = nextConnection(test.engine);
    const client = await rawWebSocket(test.url({ EIO: '4', transport: 'websocket' }));
    await client.next();
    const socket = await connection;
    const [reason] = await waitFor<[string]>(socket, 'close');
    expect(reason).toBe('ping timeout');
    expect(test.engine.clientsCount).toBe(0);
    await waitFor(client.ws, 'close');
  });

  it('pings over polling and times out a silent polling client', async () => {
    const test = await startEngine({ pingInterval: 50, pingTimeout: 100 });
    const connection = nextConnection(test.engine);
    const { sid } = await pollingHandshake(test);
    const socket: Socket = await connection;
    const url = test.url({ EIO: '4', transport: 'polling', sid });
    expect((await http(url)).body).toBe('2');
    await http(url, { method: 'POST', body: '3' });
    expect((await http(url)).body).toBe('2');
    const [reason] = await waitFor<[string]>(socket, 'close');
    expect(reason).toBe('ping timeout');
  });

  it('shares one timer across many sessions and times out only the silent one', async () => {
    const test = await startEngine({ pingInterval: 40, pingTimeout: 150 });
    const sessions: Socket[] = [];
    test.engine.on('connection', (socket: Socket) => sessions.push(socket));
    const answering = await Promise.all(
      [1, 2, 3].map(async () => {
        const client = await rawWebSocket(test.url({ EIO: '4', transport: 'websocket' }));
        client.ws.on('message', (data: Buffer) => {
          if (data.toString() === '2') client.ws.send('3');
        });
        return client;
      }),
    );
    const silent = await rawWebSocket(test.url({ EIO: '4', transport: 'websocket' }));
    await silent.next();
    const silentSession = sessions[3];
    const [reason] = await waitFor<[string]>(silentSession, 'close');
    expect(reason).toBe('ping timeout');
    expect(sessions.slice(0, 3).every((s) => s.readyState === 'open')).toBe(true);
    expect(answering).toHaveLength(3);
  });

  it('closes a silent session exactly pingTimeout after its ping, not a timer slot later', async () => {
    const test = await startEngine({ pingInterval: 300, pingTimeout: 200 });
    const { socket, url } = await pollingSession(test);
    const pinged = new Promise<number>((resolve) => {
      socket.on('packetCreate', (packet: { type: string }) => {
        if (packet.type === 'ping') resolve(performance.now());
      });
    });
    expect((await http(url)).body).toBe('2');
    const pingTime = await within(pinged, 5000, 'the ping');
    let closedAt = 0;
    socket.on('close', () => {
      closedAt = performance.now();
    });
    // 10 ms after the deadline (510 ms after the open when the ping left on time). The engine's
    // timer is due first, and Node runs due timers before it reads new requests, so the answer
    // does not depend on the machine's load.
    await new Promise((resolve) => setTimeout(resolve, pingTime + 210 - performance.now()));
    const late = await http(url);
    expect(late.status).toBe(400);
    expect(JSON.parse(late.body)).toEqual({ code: 1, message: 'Session ID unknown' });
    expect(closedAt - pingTime).toBeGreaterThanOrEqual(199);
  });

  it('a packet received while a pong is awaited restarts its deadline once per ping, as in engine.io', async () => {
    const test = await startEngine({ pingInterval: 100, pingTimeout: 1000 });
    const connection = nextConnection(test.engine);
    const client = await rawWebSocket(test.url({ EIO: '4', transport: 'websocket' }));
    await client.next();
    const socket = await connection;
    const received: number[] = [];
    socket.on('message', () => received.push(performance.now()));
    const closed = waitFor<[string]>(socket, 'close', 5000).then(([reason]) => ({ reason, at: performance.now() }));
    expect(await client.next()).toBe('2');
    const pingedAt = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 200));
    client.ws.send('4first');
    await until(() => received.length === 1, 5000, 'the first message');
    await new Promise((resolve) => setTimeout(resolve, 600));
    client.ws.send('4second');
    const { reason, at } = await closed;
    expect(reason).toBe('ping timeout');
    expect(received).toHaveLength(2);
    // Restarted by the first message, not by the second (which would give received[1] + 1000).
    expect(at - received[0]).toBeGreaterThanOrEqual(999);
    expect(at - pingedAt).toBeGreaterThan(1100);
    expect(at).toBeLessThan(received[1] + 900);
  });
});
