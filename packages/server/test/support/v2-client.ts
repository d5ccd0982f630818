/**
 * socket.io-client 2.x (the `socket.io-client-v2` dev dependency: Engine.IO v3, Socket.IO
 * protocol 4), typed as far as the tests use it, and the official socket.io server to compare
 * Parley with. Every client and server made here is closed after each test.
 */
import { once } from 'node:events';
import { createServer, type Server as HttpServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';
import { Server } from '../../src/index.js';
import { type TransportMode, transportsFor } from './transport-modes.js';
import { waitFor } from './wait.js';

export { TRANSPORT_MODES, type TransportMode } from './transport-modes.js';

export { waitFor } from './wait.js';

const require = createRequire(import.meta.url);

export interface V2Emitter {
  on(event: string, listener: (...args: never[]) => void): this;
  once(event: string, listener: (...args: never[]) => void): this;
  off(event: string, listener?: (...args: never[]) => void): this;
}

export interface V2Engine extends V2Emitter {
  id: string;
  transport: { name: string };
  readyState: string;
}

export interface V2Socket extends V2Emitter {
  id: string;
  connected: boolean;
  io: V2Emitter & { engine: V2Engine };
  emit(event: string, ...args: unknown[]): this;
  close(): this;
}

export interface V2Options {
  transports?: string[];
  forceNew?: boolean;
  reconnection?: boolean;
  forceBase64?: boolean;
  query?: Record<string, string>;
  upgrade?: boolean;
}

const v2 = require('socket.io-client-v2') as (url: string, options: V2Options) => V2Socket;

/** The two servers every scenario runs on: Parley, and socket.io as the reference. */
export type ServerKind = 'parley' | 'socket.io';
export const SERVER_KINDS: ServerKind[] = ['parley', 'socket.io'];

/** What the scenarios use of a server; Parley's and socket.io's both fit. */
// biome-ignore lint/suspicious/noExplicitAny: the scenarios use both servers untyped
export type AnyIo = any;

export interface V2TestServer {
  io: AnyIo;
  http: HttpServer;
  port: number;
  url: string;
}

const clients: V2Socket[] = [];
const servers: V2TestServer[] = [];

afterEach(async () => {
  for (const socket of clients.splice(0)) socket.close();
  for (const { io, http } of servers.splice(0)) {
    io.close();
    http.closeAllConnections();
    if (http.listening) await new Promise((resolve) => http.close(resolve));
  }
});

export async function startV2Server(kind: ServerKind, options: Record<string, unknown> = {}): Promise<V2TestServer> {
  const http = createServer();
  const opts = { allowEIO3: true, ...options };
  const io =
    kind === 'parley'
      ? new Server(http, opts)
      : new (require('socket.io') as { Server: new (h: HttpServer, o: unknown) => AnyIo }).Server(http, opts);
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  const port = (http.address() as AddressInfo).port;
  const server = { io, http, port, url: `http://127.0.0.1:${port}` };
  servers.push(server);
  return server;
}

export function v2Client(url: string, mode: TransportMode = 'websocket', options: V2Options = {}): V2Socket {
  const socket = v2(url, { transports: transportsFor[mode], forceNew: true, reconnection: false, ...options });
  clients.push(socket);
  return socket;
}

/** A connected v2 client (in upgrade mode, one that has moved to WebSocket). */
export async function v2Connected(url: string, mode: TransportMode = 'websocket', options: V2Options = {}) {
  const socket = v2Client(url, mode, options);
  await waitFor(socket, 'connect');
  if (mode === 'upgrade' && socket.io.engine.transport.name !== 'websocket') await waitFor(socket.io.engine, 'upgrade');
  return socket;
}
