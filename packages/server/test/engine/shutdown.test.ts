/**
 * Shutting down: `engine.close()` on an HTTP server with no handler of its own (no fallback
 * route), with clients on keep-alive connections. Every request in flight, and every request
 * that arrives afterwards, must be answered, and the HTTP server must then be able to close.
 */
import { Agent, createServer, type Server as HttpServer, type IncomingMessage, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { attach, type Server } from '../../src/engine/index.js';
import { until, within } from '../support/wait.js';
import { onCleanup } from './cleanup.js';
import { refusedWebSocket } from './raw-clients.js';

interface Answer {
  status: number;
  connection: string | undefined;
  body: string;
}

/** An engine on an HTTP server without a request handler; keep-alive connections stay open. */
async function start(): Promise<{ engine: Server; httpServer: HttpServer; agent: Agent; url(q: object): string }> {
  const httpServer = createServer();
  // Far longer than any bound below: an idle keep-alive connection must not be what ends the test.
  httpServer.keepAliveTimeout = 120_000;
  const engine = attach(httpServer);
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  onCleanup(() => {
    agent.destroy();
    httpServer.closeAllConnections();
    httpServer.close();
  });
  const port = (httpServer.address() as AddressInfo).port;
  const url = (query: object) =>
    `http://127.0.0.1:${port}/engine.io/?${new URLSearchParams(query as Record<string, string>)}`;
  return { engine, httpServer, agent, url };
}

function send(
  url: string,
  agent: Agent,
  options: { method?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', agent, headers: options.headers }, (res) => {
      collect(res).then(resolve, reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`no answer to ${url}`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

function collect(res: IncomingMessage): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      body += chunk;
    });
    res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body }));
    res.on('error', reject);
  });
}

function closeHttp(httpServer: HttpServer): Promise<void> {
  return within(
    new Promise<void>((resolve, reject) => httpServer.close((error) => (error ? reject(error) : resolve()))),
    10_000,
    'the HTTP server to close',
  );
}

async function handshake(url: (q: object) => string, agent: Agent): Promise<string> {
  const answer = await send(url({ EIO: '4', transport: 'polling' }), agent);
  return (JSON.parse(answer.body.slice(1)) as { sid: string }).sid;
}

describe('engine shutdown without a fallback handler', () => {
  it('answers a pending long-poll with a close packet and lets the HTTP server close', async () => {
    const { engine, httpServer, agent, url } = await start();
    const sid = await handshake(url, agent);
    const poll = send(url({ EIO: '4', transport: 'polling', sid }), agent);
    await until(() => engine.clients[sid]?.transport.writable === true, 5000, 'the long-poll to arrive');
    engine.close();
    const closing = closeHttp(httpServer);
    const answer = await within(poll, 5000, 'the long-poll answer');
    expect(answer).toEqual({ status: 200, connection: 'close', body: '1' });
    await closing;
  });

  it('answers a POST whose body is still arriving, then lets the HTTP server close', async () => {
    const { engine, httpServer, agent, url } = await start();
    const sid = await handshake(url, agent);
    const handleRequest = engine.handleRequest.bind(engine);
    const postArrived = new Promise<void>((resolve) => {
      engine.handleRequest = (req, res) => {
        handleRequest(req, res);
        if (req.method === 'POST') resolve();
      };
    });
    const answered = new Promise<Answer>((resolve, reject) => {
      const req = request(
        url({ EIO: '4', transport: 'polling', sid }),
        { method: 'POST', agent, headers: { 'Content-Length': '100' } },
        (res) => collect(res).then(resolve, reject),
      );
      req.on('error', reject);
      req.write('4hello');
      onCleanup(() => req.destroy());
    });
    // The upload is incomplete; the engine is reading it when it closes.
    await within(postArrived, 5000, 'the POST to arrive');
    engine.close();
    const closing = closeHttp(httpServer);
    const answer = await within(answered, 5000, 'the POST answer');
    expect(answer.status).toBe(400);
    expect(answer.connection).toBe('close');
    expect(JSON.parse(answer.body)).toEqual({ code: 1, message: 'Session ID unknown' });
    await closing;
  });

  it('refuses requests that arrive after close with a 400 JSON error', async () => {
    const { engine, httpServer, agent, url } = await start();
    const sid = await handshake(url, agent);
    engine.close();
    const handshakeAfter = await send(url({ EIO: '4', transport: 'polling' }), agent);
    expect(handshakeAfter.status).toBe(400);
    expect(handshakeAfter.connection).toBe('close');
    expect(JSON.parse(handshakeAfter.body)).toEqual({ code: 3, message: 'Bad request' });
    const pollAfter = await send(url({ EIO: '4', transport: 'polling', sid }), agent);
    expect(pollAfter.status).toBe(400);
    expect(JSON.parse(pollAfter.body)).toEqual({ code: 1, message: 'Session ID unknown' });
    const postAfter = await send(url({ EIO: '4', transport: 'polling', sid }), agent, { method: 'POST', body: '4x' });
    expect(postAfter.status).toBe(400);
    const upgradeAfter = await refusedWebSocket(url({ EIO: '4', transport: 'websocket' }));
    expect(upgradeAfter.status).toBe(400);
    expect(upgradeAfter.body).toBe('Bad request');
    expect(engine.clientsCount).toBe(0);
    await closeHttp(httpServer);
  });

  it('ends an SSE stream with a close packet and lets the HTTP server close', async () => {
    const { engine, httpServer, agent, url } = await start();
    const stream = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = request(url({ EIO: '4', transport: 'sse' }), { agent }, resolve);
      req.on('error', reject);
      req.end();
    });
    let text = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      text += chunk;
    });
    const ended = new Promise<void>((resolve) => stream.once('end', () => resolve()));
    await until(() => text.includes('\n\n'), 5000, 'the open event');
    engine.close();
    const closing = closeHttp(httpServer);
    await within(ended, 5000, 'the end of the SSE stream');
    expect(text.endsWith('data: 1\n\n')).toBe(true);
    await closing;
  });

  it('closes WebSocket sessions and lets the HTTP server close', async () => {
    const { engine, httpServer, url } = await start();
    const ws = new WebSocket(url({ EIO: '4', transport: 'websocket' }).replace(/^http/, 'ws'));
    onCleanup(() => ws.terminate());
    ws.on('error', () => {});
    await new Promise<void>((resolve) => ws.once('message', () => resolve()));
    const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
    engine.close();
    const closing = closeHttp(httpServer);
    await within(closed, 5000, 'the WebSocket to close');
    await closing;
  });
});
