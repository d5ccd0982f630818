/**
 * What the URL given to `io()` decides, read where the application sees it: the namespace (the
 * path as written, neither decoded nor normalized), the query the server receives (a query
 * string in the URL replaces the `query` option; a `+` stays a `+`), and `engine.opts` with
 * engine.io-client's defaults. Both clients, against the official server.
 */
import type { Socket as ServerSocket } from 'socket.io';
import { describe, expect, it } from 'vitest';
import type { Engine } from '../src/index.js';
import { type ClientOptions, clients } from './clients.js';
import { socketIoServer, type TestServer, waitFor } from './helpers.js';
import { closedAfterEach } from './per-test-fixture.js';

/** The query a server-side socket was opened with, without the Engine.IO parameters. */
function appQuery(socket: ServerSocket): Record<string, unknown> {
  const { EIO: _eio, transport: _transport, t: _t, ...query } = socket.handshake.query;
  return query;
}

for (const client of clients) {
  describe(`the URL given to io() [${client.name}]`, () => {
    const { fixture, sockets } = closedAfterEach(socketIoServer);

    /** Connects to `path` (namespace and query) on `server`; resolves with both sides. */
    const connect = async (server: TestServer, nsp: string, path: string, options: ClientOptions = {}) => {
      const connection = waitFor<[ServerSocket]>(server.io.of(nsp), 'connection');
      const socket = sockets.open(client, `${server.url}${path}`, { transports: ['websocket'], ...options });
      const [[serverSocket]] = await Promise.all([connection, waitFor(socket, 'connect')]);
      return { socket, serverSocket };
    };

    const queries: [string, string, ClientOptions, Record<string, unknown>][] = [
      [
        'a query string in the URL replaces the query option',
        '/?fromUrl=1',
        { query: { fromOption: '1' } },
        { fromUrl: '1' },
      ],
      ['the query option is sent without one', '/', { query: { fromOption: '1' } }, { fromOption: '1' }],
      [
        'a + in the URL stays a +',
        '/?plus=a+b&escaped=%2B&twice=1&twice=2',
        {},
        { plus: 'a+b', escaped: '+', twice: '2' },
      ],
      ['a + in a query string option stays a +', '/', { query: 'plus=a+b&n=1' }, { plus: 'a+b', n: '1' }],
    ];
    for (const [title, path, options, expected] of queries) {
      it(title, async () => {
        const { serverSocket } = await connect(await fixture.server(), '/', path, options);
        expect(appQuery(serverSocket)).toEqual(expected);
      });
    }

    it('keeps the URL query when the socket connects later (autoConnect: false)', async () => {
      const server = await fixture.server();
      const connection = waitFor<[ServerSocket]>(server.io, 'connection');
      const socket = sockets.open(client, `${server.url}/?fromUrl=1`, {
        autoConnect: false,
        query: { fromOption: '1' },
      });
      socket.connect();
      const [serverSocket] = await connection;
      expect(appQuery(serverSocket)).toEqual({ fromUrl: '1' });
    });

    for (const nsp of ['/my%20nsp', '/caf\u00e9', '/a/../b']) {
      it(`takes the namespace as written: ${nsp}`, async () => {
        const { socket, serverSocket } = await connect(await fixture.server(), nsp, `${nsp}?x=1`);
        expect(socket.nsp).toBe(nsp);
        expect(serverSocket.nsp.name).toBe(nsp);
      });
    }

    it("lists engine.io-client's defaults in engine.opts", async () => {
      const server = await fixture.server();
      const { socket } = await connect(server, '/', '/');
      const { timers: _timers, ...opts } = (socket.io.engine as Engine).opts;
      expect(opts).toEqual({
        path: '/socket.io/',
        agent: false,
        withCredentials: false,
        upgrade: true,
        timestampParam: 't',
        rememberUpgrade: false,
        addTrailingSlash: true,
        rejectUnauthorized: true,
        perMessageDeflate: { threshold: 1024 },
        transportOptions: {},
        closeOnBeforeunload: false,
        forceNew: true,
        reconnectionDelay: 50,
        reconnectionDelayMax: 200,
        transports: ['websocket'],
        hostname: '127.0.0.1',
        secure: false,
        port: String(server.port),
      });
    });
  });
}
