/**
 * What a raw Engine.IO client observes at the edges of a session (closing, protocol violations,
 * duplicate upgrades, recovery), asserted against Parley and, in the same scenario, against the
 * official socket.io server: the official behaviour is the spec.
 */
import { EventEmitter, once } from 'node:events';
import { createServer, request } from 'node:http';
import { connect as connectTcp } from 'node:net';
import { io as connectClient } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  type AnyServer,
  IMPLEMENTATIONS,
  onTeardown,
  type ServerFactory,
  startSideBySide,
} from './support/side-by-side.js';
import { until, within } from './support/wait.js';

type AnyIo = AnyServer;

interface Reply {
  status: number;
  body: string;
}

function httpRequest(url: string, method = 'GET', body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

async function start(factory: ServerFactory, options: Record<string, unknown> = {}) {
  const { io, port } = await startSideBySide(factory, options);
  const base = `http://127.0.0.1:${port}/socket.io/?EIO=4&transport=polling`;
  return {
    io,
    port,
    /** Opens a polling session; returns its id and the URL of its requests. */
    async session(): Promise<{ sid: string; url: string }> {
      const open = await httpRequest(base);
      const sid = (JSON.parse(open.body.slice(1)) as { sid: string }).sid;
      return { sid, url: `${base}&sid=${sid}` };
    },
    /** A WebSocket joining session `sid`, or starting a session of its own without one. */
    webSocket(sid?: string): WebSocket {
      const query = sid === undefined ? '' : `&sid=${sid}`;
      const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket${query}`);
      ws.on('error', () => {});
      onTeardown(() => ws.terminate());
      return ws;
    },
  };
}

/** Waits until the server holds a poll of session `sid`. */
async function untilParked(io: AnyIo, sid: string): Promise<void> {
  // Both engines say `transport.writable` while they hold a poll.
  const clients = (io as unknown as { engine: { clients: Record<string, { transport: { writable: boolean } }> } })
    .engine.clients;
  const session = clients[sid];
  await until(() => session.transport.writable, 5000, 'the GET to be parked');
}

/** Sends a GET and resolves once the server holds it (it is then the session's pending poll). */
async function parkedGet(io: AnyIo, sid: string, url: string): Promise<{ reply: Promise<Reply> }> {
  const reply = httpRequest(url);
  await untilParked(io, sid);
  // Wrapped: an async function returning the promise itself would wait for the answer.
  return { reply };
}

function nextMessage(ws: WebSocket): Promise<string> {
  return within(
    new Promise((resolve) => ws.once('message', (data: Buffer) => resolve(data.toString()))),
    5000,
    'a WebSocket message',
  );
}

/**
 * A server bound (`io.bind()`) to a stand-in engine, with one session of it that has no HTTP
 * request (as a WebTransport session) and has sent a CONNECT to the main namespace.
 */
function bindFakeEngineSession(factory: ServerFactory) {
  const io = factory(createServer(), {});
  onTeardown(() => io.close());
  const engine = Object.assign(new EventEmitter(), { clients: {}, clientsCount: 0, close() {} });
  io.bind(engine);
  const sent: unknown[] = [];
  const conn = Object.assign(new EventEmitter(), {
    id: 'session-without-request',
    protocol: 4,
    readyState: 'open',
    transport: { name: 'webtransport', writable: true },
    request: undefined,
    remoteAddress: '192.0.2.1',
    send(data: unknown) {
      sent.push(data);
      return conn;
    },
    write(data: unknown) {
      return conn.send(data);
    },
    sendPrepared(message: { data: unknown }) {
      sent.push(message.data);
    },
    close() {
      conn.readyState = 'closed';
    },
  });
  const connected = new Promise<{ handshake: Record<string, unknown> }>((resolve) => io.on('connection', resolve));
  engine.emit('connection', conn);
  // A CONNECT to the main namespace. engine.io emits each message as both events; the socket
  // layer listens to one of them.
  conn.emit('data', '0');
  conn.emit('message', '0');
  return { conn, sent, connected };
}

describe.each(IMPLEMENTATIONS)('%s', (_name, factory) => {
  it('answers a pending GET with a noop when the client POSTs a CLOSE packet', async () => {
    const server = await start(factory);
    const { sid, url } = await server.session();
    const poll = await parkedGet(server.io, sid, url);
    const post = await httpRequest(url, 'POST', '1');
    expect(post).toEqual({ status: 200, body: 'ok' });
    expect(await poll.reply).toEqual({ status: 200, body: '6' });
    const next = await httpRequest(url);
    expect(next.status).toBe(400);
    expect(JSON.parse(next.body)).toEqual({ code: 1, message: 'Session ID unknown' });
  });

  const violations: Array<[string, string | undefined, string]> = [
    ['a second CONNECT', '40', '40'],
    ['an EVENT before CONNECT', undefined, '42["x"]'],
    ['an EVENT for a namespace never joined', '40', '42/other,["x"]'],
    ['an undecodable packet', undefined, '4zzz'],
    ['an undecodable packet after CONNECT', '40', '4zzz'],
  ];

  describe.each(violations)('after %s', (_what, setup, violation) => {
    it('the next poll gets NOOP then CLOSE in one payload, and the session is gone', async () => {
      const server = await start(factory);
      const { url } = await server.session();
      if (setup !== undefined) {
        await httpRequest(url, 'POST', setup);
        expect((await httpRequest(url)).body).toMatch(/^40\{"sid":"[^"]+"\}$/);
      }
      expect(await httpRequest(url, 'POST', violation)).toEqual({ status: 200, body: 'ok' });
      expect(await httpRequest(url)).toEqual({ status: 200, body: '6\x1e1' });
      expect((await httpRequest(url)).status).toBe(400);
    });

    it('a poll pending at the time gets CLOSE', async () => {
      const server = await start(factory);
      const { sid, url } = await server.session();
      if (setup !== undefined) {
        await httpRequest(url, 'POST', setup);
        await httpRequest(url);
      }
      const poll = await parkedGet(server.io, sid, url);
      await httpRequest(url, 'POST', violation);
      expect(await poll.reply).toEqual({ status: 200, body: '1' });
      expect((await httpRequest(url)).status).toBe(400);
    });
  });

  it('an undecodable packet reaches the socket\'s error listener, then it disconnects with "forced close"', async () => {
    const server = await start(factory);
    const { url } = await server.session();
    const connection = new Promise<EventEmitter>((resolve) => server.io.on('connection', resolve));
    await httpRequest(url, 'POST', '40');
    await httpRequest(url);
    const socket = await within(connection, 5000, 'the connection');
    const events: string[] = [];
    socket.on('error', (error: Error) => events.push(`error ${error instanceof Error} ${error.name}`));
    socket.on('disconnect', (reason: string) => events.push(`disconnect ${reason}`));
    await httpRequest(url, 'POST', '4zzz');
    expect(events).toEqual(['error true Error']);
    expect(await httpRequest(url)).toEqual({ status: 200, body: '6\x1e1' });
    expect(events).toEqual(['error true Error', 'disconnect forced close']);
  });

  it('completes the handshake of a second WebSocket for an upgraded session, then closes it', async () => {
    const server = await start(factory);
    const { sid } = await server.session();
    const first = server.webSocket(sid);
    await once(first, 'open');
    first.send('2probe');
    expect(await nextMessage(first)).toBe('3probe');
    first.send('5');

    const second = server.webSocket(sid);
    let refused = false;
    second.on('unexpected-response', () => {
      refused = true;
    });
    const opened = once(second, 'open').then(() => true);
    const closed = within(once(second, 'close'), 5000, 'the second WebSocket to close');
    await closed;
    expect(refused).toBe(false);
    expect(await opened).toBe(true);

    // The first one still carries the session.
    first.send('40');
    expect(await nextMessage(first)).toMatch(/^40\{"sid":"[^"]+"\}$/);
  });

  it('reports "transport error" when a pending poll goes away', async () => {
    const server = await start(factory);
    const { sid, url } = await server.session();
    const connection = new Promise<EventEmitter>((resolve) => server.io.on('connection', resolve));
    await httpRequest(url, 'POST', '40');
    await httpRequest(url);
    const socket = await within(connection, 5000, 'the connection');
    const disconnected = within(
      new Promise<unknown[]>((resolve) => socket.once('disconnect', (...args: unknown[]) => resolve(args))),
      5000,
      'the disconnection',
    );
    const raw = connectTcp(server.port, '127.0.0.1');
    onTeardown(() => raw.destroy());
    await once(raw, 'connect');
    raw.write(`GET /socket.io/?EIO=4&transport=polling&sid=${sid} HTTP/1.1\r\nHost: x\r\n\r\n`);
    await untilParked(server.io, sid);
    raw.destroy();
    const [reason, description] = await disconnected;
    expect(reason).toBe('transport error');
    expect(String(description)).toBe('Error: poll connection closed prematurely');
    expect((description as { type?: string }).type).toBe('TransportError');
  });

  it.each<[string, string, string | undefined]>([
    ['websocket', 'transport error', undefined],
    // The POST is answered 413; socket.io-client then closes its transport.
    ['polling', 'transport close', 'transport error'],
  ])(
    'a message over maxHttpBufferSize over %s: the server sees "%s"',
    async (transport, serverReason, clientReason) => {
      const server = await start(factory, { maxHttpBufferSize: 1000 });
      const connection = new Promise<EventEmitter>((resolve) => server.io.on('connection', resolve));
      const client = connectClient(`http://127.0.0.1:${server.port}`, { transports: [transport], reconnection: false });
      onTeardown(() => client.close());
      const socket = await within(connection, 5000, 'the connection');
      const serverSide = new Promise<string>((resolve) =>
        socket.once('disconnect', (reason: string, description?: Error) => {
          // engine.io's description of a WebSocket error is a plain Error (named so).
          if (description !== undefined) expect(description.name).toBe('Error');
          resolve(reason);
        }),
      );
      const clientSide = new Promise<string>((resolve) => client.once('disconnect', resolve));
      client.emit('big', 'x'.repeat(5000));
      expect(await within(serverSide, 5000, 'the server-side disconnection')).toBe(serverReason);
      if (clientReason !== undefined) {
        expect(await within(clientSide, 5000, 'the client-side disconnection')).toBe(clientReason);
      }
    },
  );

  it('replays missed events before the CONNECT of a recovered session, in one poll', async () => {
    const server = await start(factory, { connectionStateRecovery: {} });
    const first = await server.session();
    await httpRequest(first.url, 'POST', '40');
    const connect = JSON.parse((await httpRequest(first.url)).body.slice(2)) as { sid: string; pid: string };
    server.io.emit('hello', 1);
    const [, , offset] = JSON.parse((await httpRequest(first.url)).body.slice(2)) as [string, number, string];
    await httpRequest(first.url, 'POST', '1');
    server.io.emit('missed', 'a');
    server.io.emit('missed', 'b');

    const second = await server.session();
    await httpRequest(second.url, 'POST', `40${JSON.stringify({ pid: connect.pid, offset })}`);
    const records = (await httpRequest(second.url)).body.split('\x1e');
    expect(records).toHaveLength(3);
    expect(records[0]).toMatch(/^42\["missed","a","[^"]+"\]$/);
    expect(records[1]).toMatch(/^42\["missed","b","[^"]+"\]$/);
    expect(records[2]).toBe(`40${JSON.stringify({ sid: connect.sid, pid: connect.pid })}`);
  });

  it('connects a socket whose engine session has no HTTP request (WebTransport-style)', async () => {
    const { sent, connected } = bindFakeEngineSession(factory);
    const { handshake } = await within(connected, 5000, 'the connection');
    expect(handshake).toMatchObject({ headers: {}, address: '192.0.2.1', xdomain: false, secure: true, query: {} });
    expect(handshake.url).toBeUndefined();
    expect(sent[0]).toMatch(/^0\{"sid":"[^"]+"\}$/);
  });

  it("hands a bound engine's own close reason to disconnect listeners as it is", async () => {
    const { conn, connected } = bindFakeEngineSession(factory);
    const socket = (await within(connected, 5000, 'the connection')) as unknown as EventEmitter;
    const reason = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    conn.emit('close', 'custom engine reason');
    expect(await within(reason, 5000, 'the disconnection')).toBe('custom engine reason');
  });

  it('accepts an upgrade of a polling session with allowUpgrades: false, which only stops offering it', async () => {
    const server = await start(factory, { allowUpgrades: false });
    const { sid } = await server.session();
    const ws = server.webSocket(sid);
    await within(once(ws, 'open'), 5000, 'the upgrade handshake');
    ws.send('2probe');
    expect(await nextMessage(ws)).toBe('3probe');
    ws.send('5');
    ws.send('40');
    expect(await nextMessage(ws)).toMatch(/^40\{"sid":"[^"]+"\}$/);
  });

  it('ignores a CLOSE packet sent over a WebSocket: the session carries on', async () => {
    const server = await start(factory);
    const ws = server.webSocket();
    const open = nextMessage(ws);
    await within(once(ws, 'open'), 5000, 'the WebSocket handshake');
    expect(await open).toMatch(/^0\{/);
    let closed = false;
    ws.on('close', () => {
      closed = true;
    });
    ws.send('1');
    ws.send('40');
    expect(await nextMessage(ws)).toMatch(/^40\{"sid":"[^"]+"\}$/);
    expect(closed).toBe(false);
  });

  it.each(['', '9nine', 'x'])(
    'closes a WebSocket whose text frame %j is not a packet with a close frame without a code (1005)',
    async (frame) => {
      const server = await start(factory);
      const ws = server.webSocket();
      const open = nextMessage(ws);
      await within(once(ws, 'open'), 5000, 'the WebSocket handshake');
      expect(await open).toMatch(/^0\{/);
      const closed = within(once(ws, 'close'), 5000, 'the close') as Promise<[number, Buffer]>;
      ws.send(frame);
      const [code, reason] = await closed;
      expect([code, reason.toString()]).toEqual([1005, '']);
    },
  );

  it('lets a second WebSocket probe and take over a session that started on WebSocket', async () => {
    const server = await start(factory);
    const first = server.webSocket();
    const open = nextMessage(first);
    await within(once(first, 'open'), 5000, 'the WebSocket handshake');
    const { sid } = JSON.parse((await open).slice(1)) as { sid: string };

    const second = server.webSocket(sid);
    await within(once(second, 'open'), 5000, 'the second WebSocket handshake');
    second.send('2probe');
    expect(await nextMessage(second)).toBe('3probe');
    const firstClosed = within(once(first, 'close'), 5000, 'the first WebSocket to close');
    second.send('5');
    // The replaced WebSocket gets a close frame without a status code.
    const [code] = (await firstClosed) as [number];
    expect(code).toBe(1005);
    second.send('40');
    expect(await nextMessage(second)).toMatch(/^40\{"sid":"[^"]+"\}$/);
  });
});
