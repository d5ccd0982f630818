import { describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait.js';
import { nextConnection, pollingHandshake, startEngine } from './helpers.js';
import { http, rawWebSocket, refusedWebSocket } from './raw-clients.js';

describe('handshake', () => {
  it('opens a polling session with the open packet', async () => {
    const test = await startEngine();
    const connection = nextConnection(test.engine);
    const res = await http(test.url({ EIO: '4', transport: 'polling', t: 'cachebuster' }));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=UTF-8');
    expect(res.body[0]).toBe('0');
    const open = JSON.parse(res.body.slice(1));
    expect(open).toEqual({
      sid: expect.stringMatching(/^[\w-]{20}$/),
      upgrades: ['websocket'],
      pingInterval: 25000,
      pingTimeout: 20000,
      maxPayload: 1000000,
    });
    const socket = await connection;
    expect(socket.id).toBe(open.sid);
    expect(socket.transport.name).toBe('polling');
    expect(socket.readyState).toBe('open');
    expect(test.engine.clientsCount).toBe(1);
    expect(test.engine.clients[open.sid]).toBe(socket);
    expect(socket.request.headers.host).toBe(`127.0.0.1:${test.port}`);
    expect(socket.request.url).toContain('transport=polling');
    expect(socket.request.method).toBe('GET');
    expect(socket.request.socket.remoteAddress).toBe('127.0.0.1');
    expect(socket.remoteAddress).toBe('127.0.0.1');
  });

  it('opens a WebSocket session with an empty upgrades list', async () => {
    const test = await startEngine({ pingInterval: 300, pingTimeout: 200 });
    const connection = nextConnection(test.engine);
    const client = await rawWebSocket(test.url({ EIO: '4', transport: 'websocket' }));
    const first = await client.next();
    expect(typeof first).toBe('string');
    const open = JSON.parse((first as string).slice(1));
    expect(open).toMatchObject({ upgrades: [], pingInterval: 300, pingTimeout: 200, maxPayload: 1000000 });
    const socket = await connection;
    expect(socket.id).toBe(open.sid);
    expect(socket.transport.name).toBe('websocket');
  });

  it('gives unguessable, distinct ids and honours generateId (also async)', async () => {
    let n = 0;
    const test = await startEngine({ generateId: async () => `custom-${++n}` });
    const a = await pollingHandshake(test);
    const b = await pollingHandshake(test);
    expect([a.sid, b.sid]).toEqual(['custom-1', 'custom-2']);
    const plain = await startEngine();
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) ids.add((await pollingHandshake(plain)).sid);
    expect(ids.size).toBe(5);
  });

  it('honours generateId replaced on the instance, over WebSocket, and keeps the handshake request', async () => {
    const test = await startEngine();
    test.engine.generateId = () => 'instance-id';
    const connection = nextConnection(test.engine);
    const client = await rawWebSocket(test.url({ EIO: '4', transport: 'websocket' }));
    const open = JSON.parse(((await client.next()) as string).slice(1));
    expect(open.sid).toBe('instance-id');
    const socket = await connection;
    expect(socket.id).toBe('instance-id');
    expect(socket.request.url).toContain('transport=websocket');
    expect(socket.request.socket.remoteAddress).toBe('127.0.0.1');
    expect(socket.request.socket.localAddress).toBe('127.0.0.1');
    expect(socket.request.socket.localPort).toBe(Number(new URL(test.url({})).port));
  });

  it('refuses bad requests with the protocol error codes', async () => {
    const test = await startEngine();
    const errors: Array<{ code: number }> = [];
    test.engine.on('connection_error', (err) => errors.push(err));
    const cases: Array<[Record<string, string>, string, number, number, string]> = [
      [{ EIO: '4', transport: 'carrier-pigeon' }, 'GET', 400, 0, 'Transport unknown'],
      [{ EIO: '4' }, 'GET', 400, 0, 'Transport unknown'],
      [{ EIO: '4', transport: 'polling', sid: 'nope' }, 'GET', 400, 1, 'Session ID unknown'],
      [{ EIO: '4', transport: 'polling' }, 'POST', 400, 2, 'Bad handshake method'],
      [{ EIO: '4', transport: 'websocket' }, 'GET', 400, 3, 'Bad request'],
      [{ EIO: '3', transport: 'polling' }, 'GET', 400, 5, 'Unsupported protocol version'],
      [{ transport: 'polling' }, 'GET', 400, 5, 'Unsupported protocol version'],
      [{ EIO: 'x', transport: 'polling' }, 'GET', 400, 5, 'Unsupported protocol version'],
    ];
    for (const [query, method, status, code, message] of cases) {
      const res = await http(test.url(query), { method, body: method === 'POST' ? '4x' : undefined });
      expect([res.status, res.headers['content-type']], JSON.stringify(query)).toEqual([status, 'application/json']);
      expect(JSON.parse(res.body)).toEqual({ code, message });
    }
    expect(errors.map((e) => e.code)).toEqual([0, 0, 1, 2, 3, 5, 5, 5]);
    expect(test.engine.clientsCount).toBe(0);
  });

  it('refuses EIO=3 (or no EIO) unless allowEIO3, as engine.io does', async () => {
    const test = await startEngine();
    const queries: Record<string, string>[] = [{ EIO: '3', transport: 'polling' }, { transport: 'polling' }];
    for (const query of queries) {
      const res = await http(test.url(query));
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body)).toEqual({ code: 5, message: 'Unsupported protocol version' });
    }
    const allowed = await startEngine({ allowEIO3: true });
    const res = await http(allowed.url({ EIO: '3', transport: 'polling' }));
    expect(res.status).toBe(200);
    expect(res.body).toMatch(/^\d+:0\{"sid":/);
  });

  it('refuses transports that are not enabled', async () => {
    const test = await startEngine({ transports: ['websocket'] });
    const res = await http(test.url({ EIO: '4', transport: 'polling' }));
    expect(JSON.parse(res.body)).toEqual({ code: 0, message: 'Transport unknown' });
  });

  it('allowRequest refuses with 403 and its message, and accepts asynchronously', async () => {
    const test = await startEngine({
      allowRequest: (req, callback) => {
        const allowed = req.headers['x-token'] === 'secret';
        setTimeout(() => callback(allowed ? null : 'no token', allowed), 5);
      },
    });
    const refused = await http(test.url({ EIO: '4', transport: 'polling' }));
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toEqual({ code: 4, message: 'no token' });
    const accepted = await http(test.url({ EIO: '4', transport: 'polling' }), { headers: { 'x-token': 'secret' } });
    expect(accepted.status).toBe(200);
    expect(accepted.body[0]).toBe('0');
  });

  it('allowRequest may choose the error code, and a throwing allowRequest refuses', async () => {
    const test = await startEngine({
      allowRequest: (req, callback) => {
        if (req.headers['x-mode'] === 'throw') throw new Error('bug in allowRequest');
        callback({ code: 3, message: 'Bad token' }, false);
      },
    });
    const chosen = await http(test.url({ EIO: '4', transport: 'polling' }));
    expect(chosen.status).toBe(400);
    expect(JSON.parse(chosen.body)).toEqual({ code: 3, message: 'Bad token' });
    const thrown = await http(test.url({ EIO: '4', transport: 'polling' }), { headers: { 'x-mode': 'throw' } });
    expect(thrown.status).toBe(403);
    expect(JSON.parse(thrown.body)).toEqual({ code: 4, message: 'Forbidden' });
  });

  it('allowRequest also guards WebSocket handshakes', async () => {
    const test = await startEngine({ allowRequest: (_req, callback) => callback('closed for today', false) });
    const { status, body } = await refusedWebSocket(test.url({ EIO: '4', transport: 'websocket' }));
    // As engine.io answers any refused upgrade: 400, the message as text.
    expect(status).toBe(400);
    expect(body).toBe('closed for today');
  });

  it('sets the session cookie when asked, and lets headers listeners add headers', async () => {
    const test = await startEngine({ cookie: { name: 'sess', httpOnly: true, sameSite: 'strict' } });
    test.engine.on('initial_headers', (headers: Record<string, unknown>) => {
      headers['X-Initial'] = 'yes';
    });
    test.engine.on('headers', (headers: Record<string, unknown>) => {
      headers['X-Every'] = 'yes';
    });
    const res = await http(test.url({ EIO: '4', transport: 'polling' }));
    const sid = JSON.parse(res.body.slice(1)).sid;
    expect(res.headers['set-cookie']).toEqual([`sess=${sid}; Path=/; HttpOnly; SameSite=Strict`]);
    expect(res.headers['x-initial']).toBe('yes');
    expect(res.headers['x-every']).toBe('yes');
    const post = await http(test.url({ EIO: '4', transport: 'polling', sid }), { method: 'POST', body: '4hi' });
    expect(post.headers['x-every']).toBe('yes');
    expect(post.headers['x-initial']).toBeUndefined();
    expect(post.headers['set-cookie']).toBeUndefined();
  });

  it('sets initial headers on the WebSocket handshake too, but not the cookie (as engine.io)', async () => {
    const test = await startEngine({ cookie: true });
    test.engine.on('initial_headers', (headers: Record<string, unknown>) => {
      headers['X-Initial'] = 'ws';
    });
    const { default: WebSocket } = await import('ws');
    const ws = new WebSocket(test.url({ EIO: '4', transport: 'websocket' }).replace('http', 'ws'));
    ws.on('error', () => {});
    const upgrade = waitFor<[import('node:http').IncomingMessage]>(ws, 'upgrade');
    const message = waitFor<[Buffer]>(ws, 'message');
    const [response] = await upgrade;
    const [open] = await message;
    const sid = JSON.parse(open.toString().slice(1)).sid;
    expect(sid).toMatch(/^[\w-]{20}$/);
    expect(response.headers['set-cookie']).toBeUndefined();
    expect(response.headers['x-initial']).toBe('ws');
    ws.terminate();
  });
});
