/**
 * The engine on a shared HTTP server: other routes, Express, foreign upgrades, custom paths,
 * CORS, HTTP middlewares and listen().
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { attach, listen, type Socket } from '../../src/engine/index.js';
import { waitFor } from '../support/wait.js';
import { onCleanup } from './cleanup.js';
import { nextConnection, pollingHandshake, startEngine } from './helpers.js';
import { http, rawWebSocket } from './raw-clients.js';

describe('attach', () => {
  it('serves beside a plain handler on the same server, keeping its request listener', async () => {
    const test = await startEngine({}, (req, res) => {
      res.writeHead(req.url === '/hello' ? 200 : 404, { 'Content-Type': 'text/plain' });
      res.end(req.url === '/hello' ? 'hello' : 'not found');
    });
    expect(test.httpServer.listeners('request')).toHaveLength(1);
    expect((await http(`http://127.0.0.1:${test.port}/hello`)).body).toBe('hello');
    // Every URL under `<path>/` is the engine's (as engine.io): an unknown one is an engine error.
    const under = await http(`http://127.0.0.1:${test.port}/engine.io/other/file.js`);
    expect(under.status).toBe(400);
    expect(JSON.parse(under.body)).toEqual({ code: 0, message: 'Transport unknown' });
    const { open } = await pollingHandshake(test);
    expect(open.sid).toBeTypeOf('string');
    // Without the slash it is not (engine.io's default `addTrailingSlash: true`): the app answers.
    const noSlash = await http(`http://127.0.0.1:${test.port}/engine.io?EIO=4&transport=polling`);
    expect(noSlash.body).toBe('not found');
    expect((await http(`http://127.0.0.1:${test.port}/hello`)).body).toBe('hello');
  });

  it('works beside an Express app, including listeners added after attach', async () => {
    const app = express();
    app.get('/hello', (_req, res) => {
      res.send('from express');
    });
    const httpServer = createServer(app);
    const engine = attach(httpServer);
    const late = (req: import('node:http').IncomingMessage) => {
      if (req.url === '/late') lateCalls++;
    };
    let lateCalls = 0;
    httpServer.on('request', late);
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
    onCleanup(async () => {
      engine.close();
      httpServer.closeAllConnections();
      await new Promise((resolve) => httpServer.close(resolve));
    });
    const port = (httpServer.address() as AddressInfo).port;
    expect((await http(`http://127.0.0.1:${port}/hello`)).body).toBe('from express');
    const handshake = await http(`http://127.0.0.1:${port}/engine.io/?EIO=4&transport=polling`);
    expect(handshake.status).toBe(200);
    expect(handshake.body[0]).toBe('0');
    expect((await http(`http://127.0.0.1:${port}/late`)).status).toBe(404);
    expect(lateCalls).toBe(1);
    const connection = nextConnection(engine);
    const ws = new WebSocket(`ws://127.0.0.1:${port}/engine.io/?EIO=4&transport=websocket`);
    ws.on('error', () => {});
    onCleanup(() => ws.terminate());
    expect((await connection).transport.name).toBe('websocket');
  });

  it('leaves other upgrade paths to their handlers and destroys unanswered ones', async () => {
    const test = await startEngine({ destroyUpgradeTimeout: 50 });
    const other = new WebSocketServer({ noServer: true });
    test.httpServer.on('upgrade', (req, socket, head) => {
      if (req.url === '/chat') other.handleUpgrade(req, socket, head, (ws) => ws.send('chat server'));
    });
    onCleanup(() => other.close());
    const chat = new WebSocket(`ws://127.0.0.1:${test.port}/chat`);
    onCleanup(() => chat.terminate());
    const [greeting] = await waitFor<[Buffer]>(chat, 'message');
    expect(greeting.toString()).toBe('chat server');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(chat.readyState).toBe(WebSocket.OPEN);

    const nobody = new WebSocket(`ws://127.0.0.1:${test.port}/nobody`);
    nobody.on('error', () => {});
    onCleanup(() => nobody.terminate());
    await waitFor(nobody, 'close');

    const engineClient = await rawWebSocket(test.url({ EIO: '4', transport: 'websocket' }));
    expect((await engineClient.next()).toString()[0]).toBe('0');
  });

  it('honours a custom path', async () => {
    const test = await startEngine({ path: '/socket.io/' }, (_req, res) => {
      res.writeHead(404);
      res.end('app');
    });
    const res = await http(test.url({ EIO: '4', transport: 'polling' }, '/socket.io'));
    expect(res.body[0]).toBe('0');
    const elsewhere = await http(test.url({ EIO: '4', transport: 'polling' }, '/engine.io'));
    expect(elsewhere.status).toBe(404); // the app's answer, not the engine's
    expect(elsewhere.body).toBe('app');
  });

  it("with addTrailingSlash: false, every URL starting with the path is the engine's", async () => {
    const test = await startEngine({ addTrailingSlash: false }, (_req, res) => {
      res.writeHead(404);
      res.end('app');
    });
    const noSlash = await http(`http://127.0.0.1:${test.port}/engine.io?EIO=4&transport=polling`);
    expect(noSlash.body[0]).toBe('0');
    expect((await http(`http://127.0.0.1:${test.port}/engine.iox`)).status).toBe(400);
    expect((await http(`http://127.0.0.1:${test.port}/other`)).body).toBe('app');
  });

  it('listen() creates a server that answers 501 elsewhere and closes with the engine', async () => {
    const engine = await new Promise<ReturnType<typeof listen>>((resolve) => {
      const created = listen(0, { pingInterval: 1000 }, () => resolve(created));
    });
    const port = (engine.httpServer!.address() as AddressInfo).port;
    onCleanup(() => {
      engine.close();
    });
    expect((await http(`http://127.0.0.1:${port}/`)).status).toBe(501);
    const res = await http(`http://127.0.0.1:${port}/engine.io/?EIO=4&transport=polling`);
    expect(JSON.parse(res.body.slice(1)).pingInterval).toBe(1000);
    const closed = waitFor(engine.httpServer!, 'close');
    engine.close();
    await closed;
  });
});

describe('CORS', () => {
  it('answers preflights and decorates responses for allowed origins', async () => {
    const test = await startEngine({
      cors: { origin: ['https://app.example', /\.trusted\.example$/], credentials: true, maxAge: 600 },
    });
    const preflight = await http(test.url({ EIO: '4', transport: 'polling' }), {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, x-custom',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(preflight.headers['access-control-allow-credentials']).toBe('true');
    expect(preflight.headers['access-control-allow-methods']).toBe('GET,HEAD,PUT,PATCH,POST,DELETE');
    expect(preflight.headers['access-control-allow-headers']).toBe('content-type, x-custom');
    expect(preflight.headers['access-control-max-age']).toBe('600');
    expect(test.engine.clientsCount).toBe(0);

    const regex = await http(test.url({ EIO: '4', transport: 'polling' }), {
      headers: { origin: 'https://a.trusted.example' },
    });
    expect(regex.headers['access-control-allow-origin']).toBe('https://a.trusted.example');
    expect(regex.headers.vary).toContain('Origin');

    const refused = await http(test.url({ EIO: '4', transport: 'polling' }), {
      headers: { origin: 'https://evil.example' },
    });
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();

    // Error answers carry CORS headers too, so browsers can read them.
    const error = await http(test.url({ EIO: '4', transport: 'nope' }), { headers: { origin: 'https://app.example' } });
    expect(error.status).toBe(400);
    expect(error.headers['access-control-allow-origin']).toBe('https://app.example');
  });

  it('supports an origin function and a wildcard', async () => {
    const test = await startEngine({
      cors: { origin: (origin, callback) => callback(null, origin === 'https://ok.example') },
    });
    const ok = await http(test.url({ EIO: '4', transport: 'polling' }), { headers: { origin: 'https://ok.example' } });
    expect(ok.headers['access-control-allow-origin']).toBe('https://ok.example');
    const no = await http(test.url({ EIO: '4', transport: 'polling' }), { headers: { origin: 'https://no.example' } });
    expect(no.headers['access-control-allow-origin']).toBeUndefined();

    const wildcard = await startEngine({ cors: {} });
    const any = await http(wildcard.url({ EIO: '4', transport: 'polling' }), {
      headers: { origin: 'https://x.example' },
    });
    expect(any.headers['access-control-allow-origin']).toBe('*');
  });

  it('without the cors option, no CORS headers and OPTIONS is not a handshake', async () => {
    const test = await startEngine();
    const res = await http(test.url({ EIO: '4', transport: 'polling' }), {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example' },
    });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).code).toBe(2);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('use() middlewares', () => {
  it('run before requests, can refuse, and their request state stays on socket.request', async () => {
    const test = await startEngine();
    test.engine.use((req, _res, next) => {
      (req as { user?: string }).user = String(req.headers['x-user'] ?? '');
      next(req.headers['x-user'] === 'mallory' ? new Error('banned') : undefined);
    });
    const refused = await http(test.url({ EIO: '4', transport: 'polling' }), { headers: { 'x-user': 'mallory' } });
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.body)).toEqual({ code: 3, message: 'Bad request' });

    const connection = nextConnection(test.engine);
    await http(test.url({ EIO: '4', transport: 'polling' }), { headers: { 'x-user': 'alice' } });
    const socket: Socket = await connection;
    expect((socket.request as { user?: string }).user).toBe('alice');

    const wsConnection = nextConnection(test.engine);
    const ws = new WebSocket(test.url({ EIO: '4', transport: 'websocket' }).replace('http', 'ws'), {
      headers: { 'x-user': 'bob' },
    });
    ws.on('error', () => {});
    onCleanup(() => ws.terminate());
    expect(((await wsConnection).request as { user?: string }).user).toBe('bob');
  });

  it('a middleware that answers itself ends the request', async () => {
    const test = await startEngine();
    test.engine.use((_req, res) => {
      res.writeHead(401, { 'Content-Type': 'text/plain' });
      res.end('who are you');
    });
    const res = await http(test.url({ EIO: '4', transport: 'polling' }));
    expect(res.status).toBe(401);
    expect(res.body).toBe('who are you');
    // Over an upgrade, as with engine.io, ending the response drops the connection unanswered.
    const ws = new WebSocket(test.url({ EIO: '4', transport: 'websocket' }).replace('http', 'ws'));
    let answered = false;
    ws.on('unexpected-response', () => {
      answered = true;
    });
    const [error] = await waitFor<[Error]>(ws, 'error');
    expect(error.message).toMatch(/socket hang up|ECONNRESET/);
    expect(answered).toBe(false);
  });
});
