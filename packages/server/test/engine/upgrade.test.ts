import { describe, expect, it } from 'vitest';
import type { Socket } from '../../src/engine/index.js';
import { until, waitFor, within } from '../support/wait.js';
import { nextConnection, pollingHandshake, pollingSession, startEngine, untilPollParked } from './helpers.js';
import { closedAfterHandshake, http, type RawWebSocket, rawWebSocket, refusedWebSocket } from './raw-clients.js';

/** The client's side of a whole upgrade on `client`: probe, answer, commit; the session then runs on it. */
async function probeAndUpgrade(client: RawWebSocket, socket: Socket): Promise<void> {
  client.ws.send('2probe');
  expect(await client.next()).toBe('3probe');
  const upgraded = waitFor(socket, 'upgrade');
  client.ws.send('5');
  await upgraded;
  expect(socket.transport.name).toBe('websocket');
}

describe('upgrade from polling to WebSocket (raw protocol)', () => {
  it('runs the probe sequence, releases the pending GET with a noop, and switches', async () => {
    const test = await startEngine();
    const { sid, socket } = await pollingSession(test);
    const pollUrl = test.url({ EIO: '4', transport: 'polling', sid });
    const pendingGet = http(pollUrl);
    await untilPollParked(socket);

    const upgrading = waitFor(socket, 'upgrading');
    const client = await rawWebSocket(test.url({ EIO: '4', transport: 'websocket', sid }));
    client.ws.send('2probe');
    expect(await client.next()).toBe('3probe');
    await upgrading;
    expect(socket.upgrading).toBe(true);
    expect((await pendingGet).body).toBe('6');

    const upgraded = waitFor(socket, 'upgrade');
    client.ws.send('5');
    await upgraded;
    expect(socket.transport.name).toBe('websocket');
    expect(socket.upgraded).toBe(true);
    expect(socket.upgrading).toBe(false);

    socket.send('after upgrade');
    expect(await client.next()).toBe('4after upgrade');
    const received = waitFor<[string]>(socket, 'message');
    client.ws.send('4from ws');
    expect((await received)[0]).toBe('from ws');

    // Stale polling requests are refused now.
    const stale = await http(pollUrl);
    expect(stale.status).toBe(400);
    expect(JSON.parse(stale.body)).toEqual({ code: 3, message: 'Bad request' });
    const stalePost = await http(pollUrl, { method: 'POST', body: '4late' });
    expect(stalePost.status).toBe(400);

    // A second WebSocket for the same session completes its handshake and is closed (as with
    // engine.io); the first keeps working.
    const duplicate = await closedAfterHandshake(test.url({ EIO: '4', transport: 'websocket', sid }));
    expect(duplicate).toBe(1005);
    expect(socket.readyState).toBe('open');
    socket.send('still here');
    expect(await client.next()).toBe('4still here');
  });

  it('closes a second WebSocket while one is probing, and refuses an upgrade of an unknown sid', async () => {
    const test = await startEngine();
    const { sid } = await pollingHandshake(test);
    const first = await rawWebSocket(test.url({ EIO: '4', transport: 'websocket', sid }));
    first.ws.send('2probe');
    expect(await first.next()).toBe('3probe');
    expect(await closedAfterHandshake(test.url({ EIO: '4', transport: 'websocket', sid }))).toBe(1005);
    first.ws.send('5');
    await until(() => test.engine.clients[sid]?.upgraded === true, 5000, 'the upgrade');
    const unknown = await refusedWebSocket(test.url({ EIO: '4', transport: 'websocket', sid: 'nope' }));
    expect(unknown).toEqual({ status: 400, body: 'Session ID unknown' });
  });

  it('drops the probe after upgradeTimeout and keeps the session on polling', async () => {
    const test = await startEngine({ upgradeTimeout: 50 });
    const { sid, socket } = await pollingSession(test);
    const client = await rawWebSocket(test.url({ EIO: '4', transport: 'websocket', sid }));
    await waitFor(client.ws, 'close');
    expect(socket.upgrading).toBe(false);
    expect(socket.transport.name).toBe('polling');
    socket.send('still polling');
    const res = await http(test.url({ EIO: '4', transport: 'polling', sid }));
    expect(res.body).toBe('4still polling');
  });

  it('drops a probe that sends anything but the probe sequence', async () => {
    const test = await startEngine();
    const { sid, socket } = await pollingSession(test);
    const client = await rawWebSocket(test.url({ EIO: '4', transport: 'websocket', sid }));
    client.ws.send('4not a probe');
    await waitFor(client.ws, 'close');
    expect(socket.readyState).toBe('open');
    expect(socket.transport.name).toBe('polling');
  });

  it('offers no upgrades when allowUpgrades is false, yet accepts a client that upgrades anyway', async () => {
    const test = await startEngine({ allowUpgrades: false });
    const connection = nextConnection(test.engine);
    const { sid, open } = await pollingHandshake(test);
    expect(open.upgrades).toEqual([]);
    const socket = await connection;
    const client = await rawWebSocket(test.url({ EIO: '4', transport: 'websocket', sid }));
    await probeAndUpgrade(client, socket);
  });

  it('upgrades an SSE session to WebSocket', async () => {
    const test = await startEngine();
    const connection = nextConnection(test.engine);
    const { request } = await import('node:http');
    const stream = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
      const req = request(test.url({ EIO: '4', transport: 'sse' }), { agent: false }, resolve);
      req.on('error', reject);
      req.end();
    });
    stream.setEncoding('utf8');
    let text = '';
    stream.on('data', (chunk: string) => {
      text += chunk;
    });
    const socket = await connection;
    const client = await rawWebSocket(test.url({ EIO: '4', transport: 'websocket', sid: socket.id }));
    await probeAndUpgrade(client, socket);
    await waitFor(stream, 'end');
    expect(text).toContain('data: 6\n\n');
    socket.send('now on ws');
    expect(await client.next()).toBe('4now on ws');
  });

  it('a close during the upgrade lets the upgrade finish, then closes on the new transport', async () => {
    const test = await startEngine();
    const { sid, socket } = await pollingSession(test);
    const client = await rawWebSocket(test.url({ EIO: '4', transport: 'websocket', sid }));
    client.ws.send('2probe');
    expect(await client.next()).toBe('3probe');
    // The client now pauses polling (its GET was released) and commits on the WebSocket.
    expect((await http(test.url({ EIO: '4', transport: 'polling', sid }))).body).toBe('6');
    socket.close();
    expect(socket.readyState).toBe('closing');
    const closed = waitFor<[string]>(socket, 'close');
    const wsClosed = waitFor(client.ws, 'close');
    client.ws.send('5');
    expect((await closed)[0]).toBe('forced close');
    await wsClosed;
  });
});

describe('upgrade with engine.io-client while the server closes', () => {
  it('the client learns of the close even when it lands mid-upgrade', async () => {
    const { Socket: ClientSocket } = await import('engine.io-client');
    const test = await startEngine();
    test.engine.on('connection', (socket) => socket.once('upgrading', () => socket.close()));
    const client = new ClientSocket(`http://127.0.0.1:${test.port}`, { transports: ['polling', 'websocket'] });
    const closed = new Promise<string>((resolve) => client.on('close', (reason) => resolve(reason)));
    const reason = await within(closed, 5000, 'the client close');
    expect(typeof reason).toBe('string');
    expect(test.engine.clientsCount).toBe(0);
  });
});
