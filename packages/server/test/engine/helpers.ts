/**
 * Test helpers: a real engine on port 0, raw HTTP polling and raw WebSocket clients, and
 * bounded waits. Every test closes what it opened through `cleanup`.
 */
import { createServer, type Server as HttpServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { type AttachOptions, attach, type Server, type Socket } from '../../src/engine/index.js';
import { until, waitFor } from '../support/wait.js';

// Re-exported so a suite imports its fixtures from one place.
export { until, waitFor } from '../support/wait.js';

export interface TestEngine {
  engine: Server;
  httpServer: HttpServer;
  port: number;
  /** `http://localhost:port/engine.io/?EIO=4&...` */
  url(query: Record<string, string>, path?: string): string;
  close(): Promise<void>;
}

const closers: Array<() => unknown> = [];

/** Registers something to close after the test. */
export function onCleanup(close: () => unknown): void {
  closers.push(close);
}

/** Runs (in reverse order) and forgets every registered closer. Call from afterEach. */
export async function cleanup(): Promise<void> {
  while (closers.length > 0) {
    const close = closers.pop()!;
    try {
      await close();
    } catch {
      // teardown of something already gone
    }
  }
}

export async function startEngine(
  options: AttachOptions = {},
  handler?: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void,
): Promise<TestEngine> {
  const httpServer = createServer(handler);
  const engine = attach(httpServer, options);
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const port = (httpServer.address() as AddressInfo).port;
  const path = options.path ?? '/engine.io';
  const testEngine: TestEngine = {
    engine,
    httpServer,
    port,
    url: (query, customPath = path) => `http://127.0.0.1:${port}${customPath}/?${new URLSearchParams(query)}`,
    close: async () => {
      engine.close();
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
  onCleanup(testEngine.close);
  return testEngine;
}

export interface HttpResult {
  status: number;
  headers: import('node:http').IncomingHttpHeaders;
  body: string;
}

/** One HTTP request with node:http (no connection reuse), bounded. */
export function http(
  url: string,
  options: { method?: string; body?: string | Buffer; headers?: Record<string, string> } = {},
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`request to ${url} timed out`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Opens a polling session; returns its sid and open packet. */
export async function pollingHandshake(
  test: TestEngine,
): Promise<{ sid: string; open: Record<string, unknown>; body: string }> {
  const res = await http(test.url({ EIO: '4', transport: 'polling' }));
  if (res.status !== 200) throw new Error(`handshake failed: ${res.status} ${res.body}`);
  const first = res.body.split('\x1e')[0];
  const open = JSON.parse(first.slice(1)) as Record<string, unknown>;
  return { sid: open.sid as string, open, body: res.body };
}

/** Opens a raw WebSocket (no Engine.IO client logic) and collects its messages. */
/** Waits until the server holds a long-poll GET of `socket`, ready to answer it with data. */
export function untilPollParked(socket: Socket): Promise<void> {
  return until(() => socket.transport.name === 'polling' && socket.transport.writable, 5000, 'a parked GET');
}

/** A polling session: its id, the server's session socket, and the URL of its requests. */
export async function pollingSession(test: TestEngine): Promise<{ sid: string; socket: Socket; url: string }> {
  const connection = nextConnection(test.engine);
  const { sid } = await pollingHandshake(test);
  return { sid, socket: await connection, url: test.url({ EIO: '4', transport: 'polling', sid }) };
}

export async function rawWebSocket(
  url: string,
): Promise<{ ws: WebSocket; messages: Array<string | Buffer>; next(): Promise<string | Buffer> }> {
  const ws = new WebSocket(url.replace(/^http/, 'ws'));
  onCleanup(() => ws.terminate());
  const messages: Array<string | Buffer> = [];
  const waiters: Array<(message: string | Buffer) => void> = [];
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    const message = isBinary ? data : data.toString('utf8');
    const waiter = waiters.shift();
    if (waiter) waiter(message);
    else messages.push(message);
  });
  ws.on('error', () => {});
  await waitFor(ws, 'open');
  return {
    ws,
    messages,
    next: () => {
      const queued = messages.shift();
      if (queued !== undefined) return Promise.resolve(queued);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('timed out waiting for a WebSocket message')), 5000);
        waiters.push((message) => {
          clearTimeout(timer);
          resolve(message);
        });
      });
    },
  };
}

/** Resolves with the next session the engine opens. */
export function nextConnection(engine: Server): Promise<Socket> {
  return waitFor<[Socket]>(engine, 'connection').then(([socket]) => socket);
}

/** Attempts a WebSocket handshake the server is expected to refuse; returns its HTTP answer. */
export function refusedWebSocket(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url.replace(/^http/, 'ws'));
    const timer = setTimeout(() => reject(new Error('no answer to the WebSocket handshake')), 5000);
    ws.on('error', () => {});
    ws.on('open', () => {
      clearTimeout(timer);
      ws.terminate();
      reject(new Error('the WebSocket handshake unexpectedly succeeded'));
    });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, body });
      });
      res.on('error', reject);
    });
  });
}

/**
 * Opens a WebSocket the server is expected to accept and then close at once (engine.io's answer
 * to a redundant upgrade); resolves with the close code.
 */
export function closedAfterHandshake(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url.replace(/^http/, 'ws'));
    onCleanup(() => ws.terminate());
    const timer = setTimeout(() => reject(new Error('the WebSocket was not closed')), 5000);
    let opened = false;
    ws.on('error', () => {});
    ws.on('open', () => {
      opened = true;
    });
    ws.on('unexpected-response', (_req, res) => {
      clearTimeout(timer);
      reject(new Error(`the WebSocket handshake was refused with ${res.statusCode}`));
    });
    ws.on('close', (code: number) => {
      clearTimeout(timer);
      if (opened) resolve(code);
      else reject(new Error('the WebSocket closed before its handshake completed'));
    });
  });
}

/** Rejects if `promise` does not settle within `timeout` milliseconds. */
export function withTimeout<T>(promise: Promise<T>, what: string, timeout = 5000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeout);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}
