/**
 * Test fixtures: the servers the client is tested against (the official socket.io server and
 * the Parley server, each integration test runs against both), the transport configurations,
 * and bounded waits.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server as ParleyServer, type ServerOptions as ParleyServerOptions } from '@parley/server';
import { Server, type ServerOptions } from 'socket.io';
import { io, type ManagerOptions, type Socket, type SocketOptions } from '../src/index.js';

// The bounded waits every suite shares, re-exported so a suite imports its fixtures from one place.
export { until, waitFor } from '../../server/test/support/wait.js';

export interface TestServer {
  readonly io: Server;
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

export interface ServerFactory {
  readonly name: string;
  /** Starts a server on `port` (0: any free port). */
  start(options?: Partial<ServerOptions>, port?: number): Promise<TestServer>;
}

function listen(http: HttpServer, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, '127.0.0.1', () => resolve((http.address() as AddressInfo).port));
  });
}

export const socketIoServer: ServerFactory = {
  name: 'socket.io',
  async start(options = {}, port = 0) {
    const http = createServer();
    const server = new Server(http, { serveClient: false, ...options });
    const actual = await listen(http, port);
    return {
      io: server,
      port: actual,
      url: `http://127.0.0.1:${actual}`,
      close: () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          http.closeAllConnections();
        }),
    };
  },
};

/**
 * The Parley server, a drop-in replacement: the tests drive it through socket.io's API, which is
 * why it is typed as socket.io's `Server` here.
 */
export const parleyServer: ServerFactory = {
  name: 'parley',
  async start(options = {}, port = 0) {
    const http = createServer();
    const server = new ParleyServer(http, { serveClient: false, ...(options as Partial<ParleyServerOptions>) });
    const actual = await listen(http, port);
    return {
      io: server as unknown as Server,
      port: actual,
      url: `http://127.0.0.1:${actual}`,
      // No closeAllConnections(): io.close() must finish on its own, keep-alive clients included.
      close: () => server.close(),
    };
  },
};

export const servers: ServerFactory[] = [socketIoServer, parleyServer];

export const transportModes: { name: string; options: Partial<ManagerOptions> }[] = [
  { name: 'websocket', options: { transports: ['websocket'] } },
  { name: 'polling', options: { transports: ['polling'], upgrade: false } },
  { name: 'polling+upgrade', options: { transports: ['polling', 'websocket'] } },
];

/** Tracks what a test opens, so teardown closes all of it. */
export class Fixture {
  readonly #servers: TestServer[] = [];
  readonly #sockets: Socket[] = [];

  constructor(readonly factory: ServerFactory) {}

  async server(options?: Partial<ServerOptions>, port?: number): Promise<TestServer> {
    const server = await this.factory.start(options, port);
    this.#servers.push(server);
    return server;
  }

  /** The socket most recently created by {@link client}. */
  get last(): Socket {
    return this.#sockets[this.#sockets.length - 1];
  }

  client(url: string, options: Partial<ManagerOptions> & SocketOptions = {}): Socket {
    const socket = io(url, { forceNew: true, reconnectionDelay: 50, reconnectionDelayMax: 200, ...options });
    this.#sockets.push(socket);
    return socket;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.io.disconnect();
    await Promise.all(this.#servers.map((server) => server.close()));
  }
}
