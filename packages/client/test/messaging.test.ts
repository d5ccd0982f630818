/** Messages: acks both ways, timeouts, emitWithAck, binary both ways, volatile. */
import type { Socket as ServerSocket } from 'socket.io';
import { afterEach, describe, expect, it } from 'vitest';
import { AckError } from '../src/index.js';
import { Fixture, servers, transportModes, waitFor } from './helpers.js';

for (const factory of servers) {
  for (const mode of transportModes) {
    describe(`messaging [${factory.name}, ${mode.name}]`, () => {
      let fixture: Fixture;
      afterEach(() => fixture.close());

      /** A connected pair: the client socket and its server-side socket. */
      const connect = async (serverOptions = {}, clientOptions = {}) => {
        fixture = new Fixture(factory);
        const server = await fixture.server(serverOptions);
        const connection = waitFor<[ServerSocket]>(server.io, 'connection');
        const socket = fixture.client(server.url, { ...mode.options, ...clientOptions });
        const [[serverSocket]] = await Promise.all([connection, waitFor(socket, 'connect')]);
        return { server, socket, serverSocket };
      };

      it('acknowledges client emits (callback, emitWithAck, several arguments)', async () => {
        const { socket, serverSocket } = await connect();
        serverSocket.on('sum', (a: number, b: number, cb: (...r: unknown[]) => void) => cb(a + b, 'ok'));
        const viaCallback = await new Promise<unknown[]>((resolve) =>
          socket.emit('sum', 1, 2, (...r: unknown[]) => resolve(r)),
        );
        expect(viaCallback).toEqual([3, 'ok']);
        await expect(socket.emitWithAck('sum', 2, 3)).resolves.toBe(5);
      });

      it('acknowledges server emits', async () => {
        const { socket, serverSocket } = await connect();
        socket.on('double', (n: number, cb: (v: number) => void) => cb(n * 2));
        await expect(serverSocket.timeout(5000).emitWithAck('double', 21)).resolves.toBe(42);
      });

      it('times out acks with timeout() and emitWithAck', async () => {
        const { socket, serverSocket } = await connect();
        serverSocket.on('silent', () => {});
        serverSocket.on('echo', (v: unknown, cb: (v: unknown) => void) => cb(v));
        const error = await socket
          .timeout(50)
          .emitWithAck('silent')
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(AckError);
        expect((error as AckError).code).toBe('ACK_TIMEOUT');
        expect((error as AckError).message).toBe('operation has timed out');
        const answer = await new Promise<unknown[]>((resolve) =>
          socket.timeout(5000).emit('echo', 'x', (...args: unknown[]) => resolve(args)),
        );
        expect(answer).toEqual([null, 'x']);
        await expect(socket.timeout(5000).emitWithAck('echo', 'y')).resolves.toBe('y');
      });

      it('applies ackTimeout to every emit with an ack', async () => {
        const { socket, serverSocket } = await connect({}, { ackTimeout: 50 });
        serverSocket.on('silent', () => {});
        const [error] = await new Promise<unknown[]>((resolve) =>
          socket.emit('silent', (...a: unknown[]) => resolve(a)),
        );
        expect((error as AckError).code).toBe('ACK_TIMEOUT');
      });

      it('carries binary both ways, nested and in acks', async () => {
        const { socket, serverSocket } = await connect();
        const received = waitFor<[{ name: string; data: Buffer }]>(serverSocket, 'upload');
        socket.emit('upload', { name: 'a.bin', data: Buffer.from([1, 2, 3, 255]) });
        const [upload] = await received;
        expect(upload.name).toBe('a.bin');
        expect(Buffer.isBuffer(upload.data)).toBe(true);
        expect([...upload.data]).toEqual([1, 2, 3, 255]);

        serverSocket.on('flip', (bytes: Buffer, cb: (b: Buffer) => void) => cb(Buffer.from([...bytes].reverse())));
        const flipped = await socket.emitWithAck('flip', new Uint8Array([1, 2, 3]));
        expect([...(flipped as Buffer)]).toEqual([3, 2, 1]);

        const down = waitFor<[string, Buffer[]]>(socket, 'download');
        serverSocket.emit('download', 'files', [Buffer.from('hi'), Buffer.alloc(0)]);
        const [label, files] = await down;
        expect(label).toBe('files');
        expect(Buffer.isBuffer(files[0])).toBe(true);
        expect(files.map((f) => f.toString())).toEqual(['hi', '']);
      });

      it('sends non-ASCII text and many small messages in order', async () => {
        const { socket, serverSocket } = await connect();
        const got: unknown[] = [];
        serverSocket.on('n', (v: unknown) => got.push(v));
        const done = waitFor(serverSocket, 'done');
        for (let i = 0; i < 200; i++) socket.emit('n', i % 2 ? i : `é✓🎉${i}`);
        socket.emit('done');
        await done;
        expect(got).toHaveLength(200);
        expect(got[0]).toBe('é✓🎉0');
        expect(got[199]).toBe(199);
      });

      it('refuses to emit reserved event names', async () => {
        const { socket } = await connect();
        expect(() => socket.emit('connect')).toThrow(/reserved/);
        expect(() => socket.emit('disconnect')).toThrow(/reserved/);
      });

      it('uses send() for "message" events', async () => {
        const { socket, serverSocket } = await connect();
        const got = waitFor(serverSocket, 'message');
        socket.send('hello', 1);
        expect(await got).toEqual(['hello', 1]);
      });
    });
  }
}
