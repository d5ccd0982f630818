/**
 * The SSE transport, against the Parley server (the only server that offers it): handshake on
 * the event stream, messages both ways (text with line breaks, binary), acks, and an upgrade
 * from SSE to WebSocket.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server as ParleyServer } from '@parley/server';
import { afterEach, describe, expect, it } from 'vitest';
import { io, type Socket } from '../src/index.js';
import { until, waitFor } from './helpers.js';

describe('SSE transport [parley]', () => {
  let http: HttpServer | undefined;
  let server: ParleyServer | undefined;
  let socket: Socket | undefined;
  afterEach(async () => {
    socket?.io.disconnect();
    // io.close() ends the event streams and closes the HTTP server (keep-alive connections too).
    await server?.close();
    server = undefined;
    http = undefined;
  });

  const start = async () => {
    http = createServer();
    server = new ParleyServer(http, { serveClient: false });
    server.on('connection', (s) => {
      s.on('echo', (value: unknown, ack: (v: unknown) => void) => ack(value));
      s.emit('hello', 'multi\nline\r\ntext', Buffer.from([1, 2, 3]));
    });
    await new Promise<void>((resolve) => http!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  };

  it('connects over SSE and exchanges text, binary and acks', async () => {
    const url = await start();
    socket = io(url, { forceNew: true, transports: ['sse'], reconnection: false });
    const [[text, bytes]] = await Promise.all([waitFor<[string, Buffer]>(socket, 'hello'), waitFor(socket, 'connect')]);
    expect(socket.io.engine!.transport.name).toBe('sse');
    expect(text).toBe('multi\nline\r\ntext');
    expect([...bytes]).toEqual([1, 2, 3]);
    await expect(socket.emitWithAck('echo', { a: 'é\n' })).resolves.toEqual({ a: 'é\n' });
    const back = await socket.emitWithAck('echo', Buffer.from([4, 5]));
    expect([...(back as Buffer)]).toEqual([4, 5]);
  });

  it('upgrades from SSE to WebSocket', async () => {
    const url = await start();
    socket = io(url, { forceNew: true, transports: ['sse', 'websocket'], reconnection: false });
    await waitFor(socket, 'connect');
    const engine = socket.io.engine!;
    await until(() => engine.transport.name === 'websocket', 8000, 'the upgrade');
    await expect(socket.emitWithAck('echo', 'after upgrade')).resolves.toBe('after upgrade');
  });
});
