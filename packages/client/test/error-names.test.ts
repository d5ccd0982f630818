/**
 * What an application logs of a client error: `err.name` and `String(err)`. socket.io-client's
 * errors are plain Errors (engine.io-client's TransportError does not rename itself), so Parley's
 * typed errors keep the name 'Error' while adding their `code`. Both clients run each scenario
 * against the same socket.io server.
 */
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { clients, OpenSockets } from './clients.js';
import { socketIoServer, type TestServer, waitFor } from './helpers.js';

/** name, String(err), and the code Parley adds (undefined on socket.io-client). */
function shape(err: unknown): [string, string] {
  return [(err as Error).name, String(err)];
}

for (const client of clients) {
  describe(`error names [${client.name}]`, () => {
    const sockets = new OpenSockets();
    let server: TestServer | undefined;
    let silent: TcpServer | undefined;
    afterEach(async () => {
      sockets.closeAll();
      await server?.close();
      server = undefined;
      silent?.close();
      silent = undefined;
    });

    it('a middleware refusal', async () => {
      server = await socketIoServer.start();
      server.io.use((_socket, next) => next(new Error('not authorized')));
      const socket = sockets.open(client, server.url);
      const [err] = await waitFor<[Error]>(socket, 'connect_error');
      expect(shape(err)).toEqual(['Error', 'Error: not authorized']);
    });

    it('an unreachable server: the transport error', async () => {
      server = await socketIoServer.start();
      const { url } = server;
      await server.close();
      server = undefined;
      const socket = sockets.open(client, url, { transports: ['websocket'], reconnection: false });
      const [err] = await waitFor<[Error & { type?: string }]>(socket, 'connect_error');
      expect(shape(err)).toEqual(['Error', 'Error: websocket error']);
      expect(err.type).toBe('TransportError');
    });

    it('a connection that never opens: the connect timeout', async () => {
      // Accepts the TCP connection and never answers the handshake.
      silent = createTcpServer(() => {});
      await new Promise<void>((resolve) => silent?.listen(0, '127.0.0.1', resolve));
      const port = (silent.address() as { port: number }).port;
      const socket = sockets.open(client, `http://127.0.0.1:${port}`, { timeout: 100, reconnection: false });
      const [err] = await waitFor<[Error]>(socket, 'connect_error');
      expect(shape(err)).toEqual(['Error', 'Error: timeout']);
    });

    it('an ack that times out', async () => {
      server = await socketIoServer.start();
      const socket = sockets.open(client, server.url);
      await waitFor(socket, 'connect');
      const err = await socket
        .timeout(50)
        .emitWithAck('unanswered')
        .catch((e: unknown) => e);
      expect(shape(err)).toEqual(['Error', 'Error: operation has timed out']);
    });
  });
}
