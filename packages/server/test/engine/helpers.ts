/**
 * Test helpers: a real engine on port 0, closed after the test, and polling sessions on it.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AttachOptions, attach, type Server, type Socket } from '../../src/engine/index.js';
import { until, waitFor } from '../support/wait.js';
import { onCleanup } from './cleanup.js';
import { http } from './raw-clients.js';

export interface TestEngine {
  engine: Server;
  httpServer: HttpServer;
  port: number;
  /** `http://localhost:port/engine.io/?EIO=4&...` */
  url(query: Record<string, string>, path?: string): string;
  close(): Promise<void>;
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

/** Resolves with the next session the engine opens. */
export function nextConnection(engine: Server): Promise<Socket> {
  return waitFor<[Socket]>(engine, 'connection').then(([socket]) => socket);
}
