/**
 * `io.close()` with clients connected, on an HTTP server that has no request handler of its
 * own: it must resolve, whatever the clients' transports are doing at that moment.
 */
import { once } from 'node:events';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Socket as ClientSocket, io as ioc } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { Socket as EngineSocket } from '../src/engine/index.js';
import { Server } from '../src/index.js';
import { TRANSPORT_MODES, type TransportMode, until, waitFor, within } from './support/harness.js';

const transportsFor: Record<TransportMode, string[]> = {
  polling: ['polling'],
  websocket: ['websocket'],
  upgrade: ['polling', 'websocket'],
};

const teardown: Array<() => void> = [];
afterEach(() => {
  for (const step of teardown.splice(0)) step();
});

async function start(): Promise<{ io: Server; url: string }> {
  const http = createServer();
  // Far longer than the bounds below: an idle keep-alive connection timing out must not be what
  // lets the server close.
  http.keepAliveTimeout = 120_000;
  const io = new Server(http);
  teardown.push(() => {
    http.closeAllConnections();
    http.close();
  });
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  return { io, url: `http://127.0.0.1:${(http.address() as AddressInfo).port}` };
}

function connect(url: string, mode: TransportMode, reconnection: boolean): ClientSocket {
  // Keep-alive connections, as browsers use for polling (the Node client's default is one per request).
  const agent = new Agent({ keepAlive: true });
  const socket = ioc(url, {
    transports: transportsFor[mode],
    forceNew: true,
    reconnection,
    reconnectionDelay: 50,
    agent: agent as unknown as string,
  });
  teardown.push(() => {
    socket.disconnect();
    agent.destroy();
  });
  return socket;
}

describe('io.close() without a fallback HTTP handler', () => {
  for (const mode of TRANSPORT_MODES) {
    for (const reconnection of [false, true]) {
      it(`resolves with a ${mode} client connected (reconnection ${reconnection ? 'on' : 'off'})`, async () => {
        const { io, url } = await start();
        const socket = connect(url, mode, reconnection);
        await waitFor(socket, 'connect');
        if (mode === 'upgrade' && socket.io.engine.transport.name !== 'websocket') {
          await waitFor(socket.io.engine, 'upgrade');
        }
        if (mode === 'polling') {
          // The moment that used to hang: the client's long-poll GET is waiting at the server.
          const session = io.engine.clients[socket.io.engine.id as string] as EngineSocket;
          await until(() => session.transport.writable);
        }
        const disconnected = waitFor<[string]>(socket, 'disconnect');
        await within(io.close(), 10_000, 'io.close()');
        expect((await disconnected)[0]).toBe('transport close');
      });
    }
  }

  it('resolves while a long-poll waits on a kept-alive connection, answering it with the close packet', async () => {
    const { io, url } = await start();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    teardown.push(() => agent.destroy());
    const get = (query: string) =>
      new Promise<{ body: string; connection: string | undefined }>((resolve, reject) => {
        const req = request(`${url}/socket.io/?EIO=4&transport=polling${query}`, { agent }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            body += chunk;
          });
          res.on('end', () => resolve({ body, connection: res.headers.connection }));
        });
        req.on('error', reject);
        req.end();
      });
    const { sid } = JSON.parse((await get('')).body.slice(1)) as { sid: string };
    const poll = get(`&sid=${sid}`);
    const session = io.engine.clients[sid] as EngineSocket;
    await until(() => session.transport.writable);
    const closing = within(io.close(), 10_000, 'io.close()');
    expect(await within(poll, 10_000, 'the long-poll answer')).toEqual({ body: '1', connection: 'close' });
    await closing;
  });

  it('resolves while a polling client keeps sending', async () => {
    const { io, url } = await start();
    let ticks = 0;
    io.on('connection', (serverSocket) => serverSocket.on('tick', () => ticks++));
    const socket = connect(url, 'polling', true);
    await waitFor(socket, 'connect');
    const timer = setInterval(() => socket.emit('tick', 'x'.repeat(100)), 1);
    teardown.push(() => clearInterval(timer));
    // Close while the client is sending: once its ticks are reaching the server.
    await until(() => ticks >= 3, 5000, 'ticks at the server');
    await within(io.close(), 10_000, 'io.close()');
    expect(io.engine.clientsCount).toBe(0);
  });
});
