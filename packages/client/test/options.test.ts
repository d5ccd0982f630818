/** Connection options: query, extraHeaders, path, timestamps, tryAllTransports, rememberUpgrade, maxPayload. */
import type { Socket as ServerSocket } from 'socket.io';
import { afterEach, describe, expect, it } from 'vitest';
import { Fixture, servers, waitFor } from './helpers.js';

for (const factory of servers) {
  describe(`options [${factory.name}]`, () => {
    let fixture: Fixture;
    afterEach(() => fixture.close());
    const connected = async (serverOptions: object, url: (base: string) => string, clientOptions: object) => {
      fixture = new Fixture(factory);
      const server = await fixture.server(serverOptions);
      const connection = waitFor<[ServerSocket]>(server.io, 'connection');
      const socket = fixture.client(url(server.url), clientOptions);
      const [[serverSocket]] = await Promise.all([connection, waitFor(socket, 'connect')]);
      return { socket, serverSocket };
    };

    // A query string in the URL replaces the `query` option, as in socket.io-client (url.test.ts)
    const queries = [
      ['the URL', '/?fromUrl=1', {}, { fromUrl: '1' }],
      ['the query option', '', { query: { token: 'abc' } }, { token: 'abc' }],
    ] as const;
    for (const transports of [['polling'], ['websocket']] as const) {
      for (const [title, path, options, expected] of queries) {
        it(`sends the query (from ${title}) and extraHeaders over ${transports[0]}`, async () => {
          const { serverSocket } = await connected({}, (base) => `${base}${path}`, {
            transports,
            ...options,
            extraHeaders: { 'x-parley-test': 'yes' },
            timestampRequests: true,
          });
          expect(serverSocket.handshake.query).toMatchObject({ ...expected, EIO: '4' });
          expect(serverSocket.handshake.query.t).toBeTypeOf('string');
          expect(serverSocket.handshake.headers['x-parley-test']).toBe('yes');
        });
      }
    }

    it('uses a custom path', async () => {
      const { socket } = await connected({ path: '/custom-path' }, (base) => base, { path: '/custom-path' });
      expect(socket.io.engine!.opts.path).toBe('/custom-path/');
    });

    it('falls back to the next transport with tryAllTransports', async () => {
      const { socket } = await connected({ transports: ['polling'] }, (base) => base, {
        transports: ['websocket', 'polling'],
        tryAllTransports: true,
      });
      expect(socket.io.engine!.transport.name).toBe('polling');
    });

    it('starts on WebSocket with rememberUpgrade once an upgrade succeeded', async () => {
      const first = await connected({}, (base) => base, { transports: ['polling', 'websocket'] });
      if (first.socket.io.engine!.transport.name !== 'websocket') await waitFor(first.socket.io.engine!, 'upgrade');
      const again = fixture.client(
        `http://127.0.0.1:${(first.serverSocket.nsp.server.httpServer.address() as { port: number }).port}`,
        {
          transports: ['polling', 'websocket'],
          rememberUpgrade: true,
        },
      );
      await waitFor(again, 'connect');
      expect(again.io.engine!.transport.name).toBe('websocket');
    });

    it('splits polling bodies to stay under the server maxHttpBufferSize', async () => {
      const { socket, serverSocket } = await connected({ maxHttpBufferSize: 20_000 }, (base) => base, {
        transports: ['polling'],
      });
      const got: number[] = [];
      serverSocket.on('chunk', (i: number) => got.push(i));
      const done = waitFor(serverSocket, 'done');
      const filler = 'x'.repeat(3000);
      for (let i = 0; i < 30; i++) socket.emit('chunk', i, filler);
      socket.emit('done');
      await done;
      expect(got).toEqual([...Array(30).keys()]);
      expect(socket.connected).toBe(true);
    });
  });
}
