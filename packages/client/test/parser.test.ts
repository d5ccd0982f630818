/**
 * The `parser` option against the official server using the same parser: socket.io-msgpack-parser
 * (binary messages only) and socket.io-parser passed in as a custom parser (text plus binary
 * attachments). Events and acks both ways, binary, namespaces, over each transport.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket as ServerSocket } from 'socket.io';
import * as msgpackParser from 'socket.io-msgpack-parser';
import * as socketIoParser from 'socket.io-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { type Engine, io, type Parser, type Socket } from '../src/index.js';
import { transportModes, waitFor } from './helpers.js';

const parsers: { name: string; parser: Parser; binaryFrames: boolean; malformed: string | Buffer }[] = [
  // 0xc1 is the one byte msgpack never uses
  { name: 'socket.io-msgpack-parser', parser: msgpackParser, binaryFrames: true, malformed: Buffer.from([0xc1]) },
  { name: 'socket.io-parser', parser: socketIoParser as unknown as Parser, binaryFrames: false, malformed: '9{}' },
];

for (const { name, parser, binaryFrames, malformed } of parsers) {
  for (const mode of transportModes) {
    describe(`parser option: ${name} [${mode.name}]`, () => {
      let server: Server;
      let http: HttpServer;
      let clients: Socket[] = [];
      afterEach(async () => {
        for (const client of clients) client.io.disconnect();
        clients = [];
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          http.closeAllConnections();
        });
      });

      const start = async (): Promise<string> => {
        http = createServer();
        server = new Server(http, { serveClient: false, parser });
        await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
        return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
      };
      const client = (url: string, reconnection = false) => {
        const socket = io(url, { forceNew: true, parser, reconnection, reconnectionDelay: 50, ...mode.options });
        clients.push(socket);
        return socket;
      };

      it('carries events, acks and binary both ways', async () => {
        const url = await start();
        server.on('connection', (s: ServerSocket) => {
          s.on('echo', (text: string, bytes: Buffer, ack: (...args: unknown[]) => void) =>
            ack(text.toUpperCase(), Buffer.concat([bytes, Buffer.from([9])])),
          );
          s.on('ask', async () => {
            const answer = await s.timeout(5000).emitWithAck('question', { n: 1 });
            s.emit('answered', answer);
          });
        });
        const socket = client(url);
        await waitFor(socket, 'connect');
        const frames: unknown[] = [];
        (socket.io.engine as Engine).on('packetCreate', (packet) => frames.push(packet.data));
        const [text, bytes] = await new Promise<[string, Uint8Array]>((resolve) =>
          socket.emit('echo', 'hello', Buffer.from([1, 2]), (...args: [string, Uint8Array]) => resolve(args)),
        );
        expect(text).toBe('HELLO');
        expect([...bytes]).toEqual([1, 2, 9]);
        expect(frames.every((frame) => typeof frame !== 'string')).toBe(binaryFrames);

        socket.on('question', (data: { n: number }, ack: (value: unknown) => void) => ack({ n: data.n + 1 }));
        const answered = waitFor<[unknown]>(socket, 'answered');
        socket.emit('ask');
        expect(await answered).toEqual([{ n: 2 }]);
      });

      it('connects to namespaces, with auth, and receives CONNECT_ERROR', async () => {
        const url = await start();
        server.of('/admin').use((s, next) => {
          if (s.handshake.auth.token === 'ok') next();
          else next(Object.assign(new Error('denied'), { data: { code: 7 } }));
        });
        server.of('/admin').on('connection', (s) => s.emit('welcome', s.nsp.name, s.handshake.auth.token));
        const socket = client(url);
        const admin = socket.io.socket('/admin', { auth: { token: 'ok' } });
        const [nsp, token] = await waitFor<[string, string]>(admin, 'welcome');
        expect([nsp, token]).toEqual(['/admin', 'ok']);
        const denied = socket.io.socket('/admin', { auth: { token: 'no' } });
        expect(denied).toBe(admin); // one socket per namespace, as in socket.io-client
        const other = io(url, { forceNew: true, parser, reconnection: false, ...mode.options, auth: { token: 'no' } });
        clients.push(other);
        const adminDenied = other.io.socket('/admin', { auth: { token: 'no' } });
        const [error] = await waitFor<[Error & { data?: unknown }]>(adminDenied, 'connect_error');
        expect(error.message).toBe('denied');
        expect(error.data).toEqual({ code: 7 });
      });

      it('a message the parser rejects closes the connection and the manager reconnects', async () => {
        const url = await start();
        let connections = 0;
        server.on('connection', (s: ServerSocket) => {
          if (++connections === 1) s.conn.send(malformed);
        });
        const socket = client(url, true);
        const [reason] = await waitFor<[string]>(socket, 'disconnect');
        expect(reason).toBe('parse error');
        await waitFor(socket.io, 'reconnect');
        await waitFor(socket, 'connect');
        expect(connections).toBe(2);
      });
    });
  }
}
