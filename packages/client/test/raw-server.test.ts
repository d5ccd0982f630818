/**
 * Against a bare Engine.IO server that speaks Socket.IO by hand: events that arrive before the
 * CONNECT reply are held until it comes, and bad input from the server closes the connection
 * with "parse error" instead of throwing.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { attach, type Server as EngineServer, type Socket as EngineSocket } from 'engine.io';
import { afterEach, describe, expect, it } from 'vitest';
import { io, type Socket } from '../src/index.js';
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
    expect(client.connected).toBe(false);
  });

  it('reports a CONNECT_ERROR given as a plain string', async () => {
    const client = await start((conn, data) => {
      if (data === '0') conn.send('4"go away"');
    });
    const [error] = await waitFor<[Error]>(client, 'connect_error');
    expect(error.message).toBe('go away');
  });
});
