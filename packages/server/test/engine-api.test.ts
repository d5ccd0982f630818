/**
 * `io.engine` and `socket.conn` as applications use them (engine.io's documented Server and
 * Socket API), asserted against Parley and, in the same scenario, the official socket.io server.
 */
import { type IncomingMessage, request } from 'node:http';
import { type Socket as ClientSocket, io as connect } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { refusedWebSocket } from './engine/raw-clients.js';
import { type AnyServer, IMPLEMENTATIONS, onTeardown, startSideBySide } from './support/side-by-side.js';
import { waitFor } from './support/wait.js';

type Any = AnyServer;
const start = startSideBySide;

function client(url: string, transports = ['polling', 'websocket']): ClientSocket {
  const socket = connect(url, { transports, forceNew: true, reconnection: false });
  onTeardown(() => socket.disconnect());
  return socket;
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function httpRequest(url: string, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

interface Refusal {
  code: number;
  message: string;
  context: Record<string, unknown>;
  req: IncomingMessage;
}

describe.each(IMPLEMENTATIONS)('%s', (_name, factory) => {
  it('io.engine: connection, clientsCount, generateId', async () => {
    const { io, url } = await start(factory);
    io.engine.generateId = (req: IncomingMessage) => `custom-${req.url?.includes('transport=polling') ? 'p' : 'w'}`;
    const engineConnection = waitFor<[Any]>(io.engine, 'connection');
    const socket = client(url);
    await waitFor(socket, 'connect');
    const [conn] = await engineConnection;
    expect(conn.id).toBe('custom-p');
    expect(socket.io.engine.id).toBe('custom-p');
    expect(io.engine.clientsCount).toBe(1);
    const closed = waitFor(conn, 'close');
    socket.disconnect();
    await closed;
    expect(io.engine.clientsCount).toBe(0);
  });

  it('io.engine: initial_headers on the first response of a session, headers on every one', async () => {
    const { io, url } = await start(factory);
    io.engine.on('initial_headers', (headers: Record<string, string>, req: IncomingMessage) => {
      headers['x-initial'] = String(req.url?.includes('EIO=4'));
    });
    io.engine.on('headers', (headers: Record<string, string>) => {
      headers['x-every'] = 'yes';
    });
    const base = `${url}/socket.io/?EIO=4&transport=polling`;
    const first = await httpRequest(base);
    expect(first.headers['x-initial']).toBe('true');
    expect(first.headers['x-every']).toBe('yes');
    const sid = (JSON.parse(first.body.slice(1)) as { sid: string }).sid;
    const next = httpRequest(`${base}&sid=${sid}`);
    const session = io.engine.clients[sid];
    session.send('x');
    const second = await next;
    expect(second.headers['x-initial']).toBeUndefined();
    expect(second.headers['x-every']).toBe('yes');

    const upgradeHeaders = new Promise<Record<string, string>>((resolve) => {
      const ws = new WebSocket(`${url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
      onTeardown(() => ws.terminate());
      ws.on('upgrade', (res) => resolve(res.headers as Record<string, string>));
    });
    const headers = await upgradeHeaders;
    expect(headers['x-initial']).toBe('true');
    expect(headers['x-every']).toBe('yes');
  });

  const refusals: Array<{
    what: string;
    options?: Record<string, unknown>;
    setup?: (io: Any) => void;
    query: string;
    method?: string;
    upgrade?: boolean;
    status: number;
    body?: unknown;
    expected: (sid: string) => Omit<Refusal, 'req'>;
  }> = [
    {
      what: 'an unknown transport',
      query: 'EIO=4&transport=carrier-pigeon',
      status: 400,
      expected: () => ({ code: 0, message: 'Transport unknown', context: { transport: 'carrier-pigeon' } }),
    },
    {
      what: 'an unknown session id',
      query: 'EIO=4&transport=polling&sid=nope',
      status: 400,
      expected: () => ({ code: 1, message: 'Session ID unknown', context: { sid: 'nope' } }),
    },
    {
      what: 'an unknown session id on a WebSocket',
      query: 'EIO=4&transport=websocket&sid=nope',
      upgrade: true,
      status: 400,
      expected: () => ({ code: 1, message: 'Session ID unknown', context: { sid: 'nope' } }),
    },
    {
      what: 'a POST handshake',
      query: 'EIO=4&transport=polling',
      method: 'POST',
      status: 400,
      expected: () => ({ code: 2, message: 'Bad handshake method', context: { method: 'POST' } }),
    },
    {
      what: 'a WebSocket handshake without an upgrade',
      query: 'EIO=4&transport=websocket',
      status: 400,
      expected: () => ({ code: 3, message: 'Bad request', context: { name: 'TRANSPORT_HANDSHAKE_ERROR' } }),
    },
    {
      what: 'a request on another transport than the session',
      query: 'EIO=4&transport=websocket&sid=SID',
      status: 400,
      expected: () => ({
        code: 3,
        message: 'Bad request',
        context: { name: 'TRANSPORT_MISMATCH', transport: 'websocket', previousTransport: 'polling' },
      }),
    },
    {
      what: 'an allowRequest refusal',
      options: { allowRequest: (_req: unknown, callback: Any) => callback('not today', false) },
      query: 'EIO=4&transport=polling',
      status: 403,
      body: { code: 4, message: 'not today' },
      expected: () => ({ code: 4, message: 'Forbidden', context: { message: 'not today' } }),
    },
    {
      what: 'an allowRequest refusal without a message',
      options: { allowRequest: (_req: unknown, callback: Any) => callback(null, false) },
      query: 'EIO=4&transport=polling',
      status: 403,
      body: { code: 4, message: 'Forbidden' },
      expected: () => ({ code: 4, message: 'Forbidden', context: { message: null } }),
    },
    {
      what: 'a failing HTTP middleware',
      setup: (io) => io.engine.use((_req: unknown, _res: unknown, next: Any) => next(new Error('no'))),
      query: 'EIO=4&transport=polling',
      status: 400,
      expected: () => ({ code: 3, message: 'Bad request', context: { name: 'MIDDLEWARE_FAILURE' } }),
    },
  ];

  it.each(refusals)('io.engine: connection_error for $what', async (refusal) => {
    const { io, url } = await start(factory, refusal.options);
    refusal.setup?.(io);
    let sid = '';
    if (refusal.query.includes('SID')) {
      const open = await httpRequest(`${url}/socket.io/?EIO=4&transport=polling`);
      sid = (JSON.parse(open.body.slice(1)) as { sid: string }).sid;
    }
    const reported = waitFor<[Refusal]>(io.engine, 'connection_error');
    const target = `${url}/socket.io/?${refusal.query.replace('SID', sid)}`;
    if (refusal.upgrade) {
      expect((await refusedWebSocket(target)).status).toBe(refusal.status);
    } else {
      const reply = await httpRequest(target, refusal.method);
      expect(reply.status).toBe(refusal.status);
      if (refusal.body !== undefined) expect(JSON.parse(reply.body)).toEqual(refusal.body);
    }
    const [event] = await reported;
    expect(Object.keys(event).sort()).toEqual(['code', 'context', 'message', 'req']);
    const { req, ...rest } = event;
    expect(rest).toEqual(refusal.expected(sid));
    expect(req.url).toBe(`/socket.io/?${refusal.query.replace('SID', sid)}`);
  });

  it('io.engine: connection_error for a failing generateId', async () => {
    const { io, url } = await start(factory);
    const failure = new Error('no ids left');
    io.engine.generateId = () => {
      throw failure;
    };
    const reported = waitFor<[Refusal]>(io.engine, 'connection_error');
    expect((await httpRequest(`${url}/socket.io/?EIO=4&transport=polling`)).status).toBe(400);
    const [{ code, message, context }] = await reported;
    expect({ code, message, context }).toEqual({
      code: 3,
      message: 'Bad request',
      context: { name: 'ID_GENERATION_ERROR', error: failure },
    });
  });

  it('socket.conn: transport, readyState, protocol, request and events through an upgrade', async () => {
    const { io, url } = await start(factory, { pingInterval: 100, pingTimeout: 1000 });
    const events: string[] = [];
    const created: Array<{ type: string; data?: unknown; options?: { compress?: boolean } }> = [];
    const received: Array<{ type: string; data?: unknown }> = [];
    const pings: unknown[] = [];
    let conn: Any;
    io.engine.on('connection', (engineSocket: Any) => {
      conn = engineSocket;
      events.push(`${conn.transport.name} ${conn.readyState} ${conn.protocol}`);
      events.push(conn.request.url.startsWith('/socket.io/?EIO=4&transport=polling') ? 'request' : 'no request');
      conn.on('upgrading', (transport: Any) => events.push(`upgrading ${transport.name}`));
      conn.on('upgrade', (transport: Any) => events.push(`upgrade ${transport.name}`));
      conn.on('heartbeat', () => events.push('heartbeat'));
      conn.on('drain', () => events.push('drain'));
      conn.on('packetCreate', (packet: (typeof created)[number]) => {
        if (packet.type === 'message') created.push(packet);
        else if (packet.type === 'ping') pings.push(packet);
      });
      conn.on('packet', (packet: (typeof received)[number]) => {
        if (packet.type === 'message') received.push(packet);
      });
    });
    const connection = waitFor<[Any]>(io, 'connection');
    const socket = client(url);
    await waitFor(socket, 'connect');
    const [serverSocket] = await connection;
    expect(serverSocket.conn).toBe(conn);
    expect(events.slice(0, 2)).toEqual(['polling open 4', 'request']);
    if (conn.transport.name !== 'websocket') await waitFor(conn, 'upgrade');
    expect(conn.transport.name).toBe('websocket');
    await waitFor(conn, 'heartbeat');
    expect(pings[0]).toEqual({ type: 'ping', options: { compress: true } });
    expect(Object.keys(pings[0] as object)).toEqual(['type', 'options']);

    serverSocket.emit('plain', 1);
    serverSocket.compress(false).emit('uncompressed', 2);
    await waitFor(socket, 'uncompressed');
    expect(created.slice(-2)).toEqual([
      { type: 'message', data: '2["plain",1]', options: { compress: true } },
      { type: 'message', data: '2["uncompressed",2]', options: { compress: false } },
    ]);

    const hello = waitFor(serverSocket, 'hello');
    socket.emit('hello', 'there');
    await hello;
    expect(received.at(-1)).toEqual({ type: 'message', data: '2["hello","there"]' });

    expect(events.indexOf('upgrading websocket')).toBeGreaterThan(1);
    expect(events.indexOf('upgrading websocket')).toBeLessThan(events.indexOf('upgrade websocket'));
    expect(events).toContain('heartbeat');
    expect(events).toContain('drain');

    const closed = waitFor<[string, unknown]>(conn, 'close');
    socket.disconnect();
    const [reason, description] = await closed;
    expect(reason).toBe('transport close');
    expect(description).toBeUndefined();
    expect(conn.readyState).toBe('closed');
  });

  it('io.engine.clients: a plain object of the open sessions by id', async () => {
    const { io, url } = await start(factory);
    const connections = [waitFor<[Any]>(io.engine, 'connection')];
    const first = client(url, ['websocket']);
    await waitFor(first, 'connect');
    connections.push(waitFor<[Any]>(io.engine, 'connection'));
    const second = client(url, ['websocket']);
    await waitFor(second, 'connect');
    const [[a], [b]] = await Promise.all(connections);
    expect(io.engine.clients[a.id]).toBe(a);
    expect(Object.hasOwn(io.engine.clients, b.id)).toBe(true);
    // Older apps call it on the object itself, as engine.io's ordinary object allows.
    // biome-ignore lint/suspicious/noPrototypeBuiltins: the very call such apps make
    expect(io.engine.clients.hasOwnProperty(b.id)).toBe(true);
    expect(Object.keys(io.engine.clients).sort()).toEqual([a.id, b.id].sort());
    expect(Object.getPrototypeOf(io.engine.clients)).toBe(Object.prototype);
    const closed = waitFor(a, 'close');
    first.disconnect();
    await closed;
    expect(Object.keys(io.engine.clients)).toEqual([b.id]);
    expect(io.engine.clients[a.id]).toBeUndefined();
  });

  it('io.engine and socket.conn: flush with the packets to write, then drain, socket first', async () => {
    const { io, url } = await start(factory);
    const connection = waitFor<[Any]>(io, 'connection');
    const socket = client(url, ['websocket']);
    await waitFor(socket, 'connect');
    const [serverSocket] = await connection;
    const conn = serverSocket.conn;
    const kinds: string[] = [];
    const socketFlushed: unknown[] = [];
    const serverFlushed: unknown[] = [];
    conn.on('flush', (packets: unknown[]) => {
      kinds.push('socket flush');
      socketFlushed.push(...packets);
    });
    conn.on('drain', () => kinds.push('socket drain'));
    io.engine.on('flush', (engineSocket: Any, packets: unknown[]) => {
      kinds.push(engineSocket === conn ? 'server flush' : 'server flush of another socket');
      serverFlushed.push(...packets);
    });
    io.engine.on('drain', (engineSocket: Any) =>
      kinds.push(engineSocket === conn ? 'server drain' : 'server drain of another socket'),
    );
    const arrived = waitFor(socket, 'second');
    serverSocket.emit('first', 1);
    serverSocket.emit('second', 2);
    await arrived;
    const packets = [
      { type: 'message', data: '2["first",1]', options: { compress: true } },
      { type: 'message', data: '2["second",2]', options: { compress: true } },
    ];
    expect(socketFlushed).toEqual(packets);
    expect(serverFlushed).toEqual(packets);
    // engine.io writes to a WebSocket packet by packet, Parley one turn's packets at once: the
    // number of rounds differs, the order within each does not.
    const round = ['socket flush', 'server flush', 'socket drain', 'server drain'];
    expect(kinds.length % round.length).toBe(0);
    expect(kinds).toEqual(kinds.map((_, i) => round[i % round.length]));
  });
});
