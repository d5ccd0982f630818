/**
 * Real servers on port 0 and official socket.io-client sockets, all closed after each test.
 */
import { once } from 'node:events';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Socket as ClientSocket, io as ioc, type ManagerOptions, type SocketOptions } from 'socket.io-client';
import { afterEach } from 'vitest';
import { Server, type ServerOptions } from '../../src/index.js';
import { type TransportMode, transportsFor } from './transport-modes.js';
import { waitFor } from './wait.js';

export { TRANSPORT_MODES, type TransportMode } from './transport-modes.js';

// Re-exported so a suite imports its fixtures from one place.
export { until, waitFor, within } from './wait.js';

const servers: { io: Server; http: HttpServer }[] = [];
const clients: ClientSocket[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.disconnect();
  await Promise.all(servers.splice(0).map(({ io }) => io.close()));
});

export interface TestServer {
  io: Server;
  http: HttpServer;
  port: number;
  url: string;
}

// biome-ignore lint/suspicious/noExplicitAny: tests use untyped servers
type AnyServer = Server<any, any, any, any>;

export async function startServer(opts: Partial<ServerOptions> = {}): Promise<TestServer & { io: AnyServer }> {
  // No request handler of its own: the engine answers everything under its path, even while
  // and after it closes, so nothing here may hang `io.close()`.
  const http = createServer();
  const io = new Server(http, opts);
  servers.push({ io, http });
  http.listen(0);
  await once(http, 'listening');
  const port = (http.address() as AddressInfo).port;
  return { io, http, port, url: `http://127.0.0.1:${port}` };
}

/** Registers a server made elsewhere (e.g. by the CommonJS factory) for teardown. */
export function track(io: Server, http: HttpServer): void {
  servers.push({ io, http });
}

export function client(
  url: string,
  mode: TransportMode = 'websocket',
  opts: Partial<ManagerOptions & SocketOptions> = {},
): ClientSocket {
  const socket = ioc(url, { transports: transportsFor[mode], forceNew: true, reconnection: false, ...opts });
  clients.push(socket);
  return socket;
}

/** A connected client (and, with upgrade mode, one that finished upgrading to WebSocket). */
export async function connected(
  url: string,
  mode: TransportMode = 'websocket',
  opts: Partial<ManagerOptions & SocketOptions> = {},
): Promise<ClientSocket> {
  const socket = client(url, mode, opts);
  await waitFor(socket, 'connect');
  if (mode === 'upgrade' && socket.io.engine.transport.name !== 'websocket') {
    await waitFor(socket.io.engine, 'upgrade');
  }
  return socket;
}
