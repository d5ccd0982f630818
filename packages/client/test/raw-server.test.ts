/**
 * Against a bare Engine.IO server that speaks Socket.IO by hand: events that arrive before the
 * CONNECT reply are held until it comes, bad input from the server closes the connection
 * with "parse error" instead of throwing, and a server that answers like Socket.IO v2 gets a
 * connect_error that says so.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { attach, type Server as EngineServer, type Socket as EngineSocket } from 'engine.io';
import { afterEach, describe, expect, it } from 'vitest';
import { io, type Socket } from '../src/index.js';
import { clients, OpenSockets } from './clients.js';
import { waitFor } from './helpers.js';

describe('hand-written server', () => {
  let http: HttpServer | undefined;
  let engine: EngineServer | undefined;
  let socket: Socket | undefined;
  afterEach(async () => {
    socket?.io.disconnect();
    engine?.close();
    http?.closeAllConnections();
    await new Promise((resolve) => http?.close(resolve));
  });

  /** Starts a server whose sessions are handled by `onConnect`, then connects a client. */
  const start = async (onMessage: (conn: EngineSocket, data: string | Buffer) => void) => {
    http = createServer();
    engine = attach(http, { path: '/socket.io/' });
    engine.on('connection', (conn: EngineSocket) => conn.on('message', (data) => onMessage(conn, data)));
    await new Promise<void>((resolve) => http!.listen(0, '127.0.0.1', resolve));
    socket = io(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, {
      forceNew: true,
      transports: ['websocket'],
      reconnection: false,
    });
    return socket;
  };

  it('holds events received before the CONNECT reply, then delivers them in order', async () => {
    const client = await start((conn, data) => {
      if (data === '0') {
        conn.send('2["early",1]');
        conn.send('2["early",2]');
        conn.send('0{"sid":"abc"}');
      }
    });
    const order: unknown[] = [];
    client.on('early', (n: number) => order.push([n, client.connected]));
    client.on('connect', () => order.push('connect'));
    await waitFor(client, 'connect');
    expect(order).toEqual([[1, true], [2, true], 'connect']);
    expect(client.id).toBe('abc');
  });

  it('closes with "parse error" on an invalid packet, without throwing', async () => {
    const client = await start((conn, data) => {
      if (data === '0') {
        conn.send('0{"sid":"abc"}');
        conn.send('2{"not":"an array"}');
      }
    });
    const [, [reason]] = await Promise.all([waitFor(client, 'connect'), waitFor<[string]>(client, 'disconnect')]);
    expect(reason).toBe('parse error');
    // No `connected` check: as in socket.io-client, a decoded packet reaches the socket on a
    // microtask, so when both frames arrive in one read the CONNECT reply lands after the close.
  });

  it('reports a CONNECT_ERROR given as a plain string', async () => {
    const client = await start((conn, data) => {
      if (data === '0') conn.send('4"go away"');
    });
    const [error] = await waitFor<[Error]>(client, 'connect_error');
    expect(error.message).toBe('go away');
  });
});

/**
 * A Socket.IO v2 server connects the main namespace by itself with a bare `40`, and answers a
 * namespace CONNECT with `40/nsp,`: no sid. The client must say why nothing works (socket.io-client's
 * message) rather than wait forever; the official client runs the same scenario.
 */
const V2_MESSAGE =
  'It seems you are trying to reach a Socket.IO server in v2.x with a v3.x client, but they are not compatible (more information here: https://socket.io/docs/v3/migrating-from-2-x-to-3-0/)';

for (const client of clients) {
  describe(`a server answering like Socket.IO v2 [${client.name}]`, () => {
    let http: HttpServer | undefined;
    let engine: EngineServer | undefined;
    const sockets = new OpenSockets();
    afterEach(async () => {
      sockets.closeAll();
      engine?.close();
      http?.closeAllConnections();
      await new Promise((resolve) => http?.close(resolve));
    });

    const startV2 = async () => {
      http = createServer();
      engine = attach(http, { path: '/socket.io/' });
      engine.on('connection', (conn: EngineSocket) => {
        conn.send('0');
        conn.on('message', (data) => {
          const nsp = /^0(\/[^,]*),/.exec(String(data))?.[1];
          if (nsp) conn.send(`0${nsp},`);
        });
      });
      await new Promise<void>((resolve) => http!.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    };

    for (const [nsp, transports] of [
      ['/', ['websocket']],
      ['/', ['polling']],
      ['/chat', ['websocket']],
    ] as const) {
      it(`gives connect_error with the v2 explanation (namespace ${nsp}, ${transports})`, async () => {
        const url = await startV2();
        const socket = sockets.open(client, `${url}${nsp === '/' ? '' : nsp}`, {
          transports: [...transports],
          reconnection: false,
        });
        let connected = false;
        socket.on('connect', () => {
          connected = true;
        });
        const [error] = await waitFor<[Error]>(socket, 'connect_error');
        expect(error).toBeInstanceOf(Error);
        expect(error.message).toBe(V2_MESSAGE);
        expect(socket.connected).toBe(false);
        expect(connected).toBe(false);
      });
    }
  });
}
