/** Connecting: transports and upgrade, auth, namespaces and multiplexing, disconnect reasons, onAny. */
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectError, io, type Socket } from '../src/index.js';
import { Fixture, servers, transportModes, waitFor } from './helpers.js';

for (const factory of servers) {
  for (const mode of transportModes) {
    describe(`connect [${factory.name}, ${mode.name}]`, () => {
      let fixture: Fixture;
      afterEach(() => fixture.close());
      const setup = async () => {
        fixture = new Fixture(factory);
        return fixture.server();
      };
      const client = (url: string, options = {}) => fixture.client(url, { ...mode.options, ...options });

      it('connects with the expected transport and gets an id', async () => {
        const server = await setup();
        const [[serverSocket]] = await Promise.all([
          waitFor<[import('socket.io').Socket]>(server.io, 'connection'),
          waitFor(client(server.url), 'connect'),
        ]);
        const socket = fixture.last;
        expect(socket.connected).toBe(true);
        expect(socket.disconnected).toBe(false);
        expect(socket.active).toBe(true);
        expect(socket.id).toBe(serverSocket.id);
        const engine = socket.io.engine!;
        if (mode.name === 'polling+upgrade') {
          if (engine.transport.name !== 'websocket') await waitFor(engine, 'upgrade');
          expect(engine.transport.name).toBe('websocket');
          await until(() => serverSocket.conn.transport.name === 'websocket');
          // the session still works after the switch
          serverSocket.on('ping-me', (cb: (v: string) => void) => cb('pong'));
          await expect(socket.emitWithAck('ping-me')).resolves.toBe('pong');
        } else {
          expect(engine.transport.name).toBe(mode.options.transports![0]);
        }
      });

      it('sends auth as an object and from a callback', async () => {
        const server = await setup();
        const seen: unknown[] = [];
        server.io.use((s, next) => {
          seen.push(s.handshake.auth);
          next();
        });
        await waitFor(client(server.url, { auth: { token: 'abc' } }), 'connect');
        let calls = 0;
        const second = client(server.url, {
          auth: (cb: (data: Record<string, unknown>) => void) => cb({ n: ++calls }),
        });
        await waitFor(second, 'connect');
        expect(seen).toEqual([{ token: 'abc' }, { n: 1 }]);
      });

      it('reports a middleware refusal as ConnectError with data, and does not reconnect', async () => {
        const server = await setup();
        server.io.use((_s, next) => next(Object.assign(new Error('not authorized'), { data: { code: 42 } })));
        const socket = client(server.url);
        const [error] = await waitFor<[ConnectError]>(socket, 'connect_error');
        expect(error).toBeInstanceOf(ConnectError);
        expect(error.code).toBe('CONNECT_ERROR');
        expect(error.message).toBe('not authorized');
        expect(error.data).toEqual({ code: 42 });
        expect(socket.active).toBe(false);
      });

      it('multiplexes namespaces over one connection', async () => {
        const server = await setup();
        const conns: Record<string, string> = {};
        server.io.on('connection', (s) => {
          conns['/'] = (s.conn as unknown as { id: string }).id;
        });
        server.io.of('/admin').on('connection', (s) => {
          conns['/admin'] = (s.conn as unknown as { id: string }).id;
          s.emit('welcome', 'admin');
        });
        const root = client(server.url);
        const admin = root.io.socket('/admin');
        const [[greeting]] = await Promise.all([waitFor(admin, 'welcome'), waitFor(root, 'connect')]);
        expect(greeting).toBe('admin');
        expect(admin.io).toBe(root.io);
        expect(conns['/admin']).toBe(conns['/']);
        expect(admin.nsp).toBe('/admin');
        // leaving one namespace keeps the connection for the other
        admin.disconnect();
        expect(admin.connected).toBe(false);
        expect(root.connected).toBe(true);
        server.io.on('connection', () => {});
      });

      it('shares one Manager per URL in io() unless forceNew', async () => {
        const server = await setup();
        server.io.of('/admin');
        const a = io(server.url, { ...mode.options });
        const b = io(`${server.url}/admin`, { ...mode.options });
        const c = io(server.url, { ...mode.options }); // same namespace again: a new Manager
        try {
          expect(b.io).toBe(a.io);
          expect(c.io).not.toBe(a.io);
          await Promise.all([waitFor(a, 'connect'), waitFor(b, 'connect'), waitFor(c, 'connect')]);
        } finally {
          a.io.disconnect();
          c.io.disconnect();
        }
      });

      it('refuses an unknown namespace', async () => {
        const server = await setup();
        const socket = client(`${server.url}/nowhere`);
        const [error] = await waitFor<[Error]>(socket, 'connect_error');
        expect(error.message).toBe('Invalid namespace');
      });

      it('reports disconnect reasons: server, client, transport', async () => {
        const server = await setup();
        let serverSocket!: import('socket.io').Socket;
        server.io.on('connection', (s) => {
          serverSocket = s;
        });
        const socket = client(server.url);
        await waitFor(socket, 'connect');
        serverSocket.disconnect();
        expect((await waitFor(socket, 'disconnect'))[0]).toBe('io server disconnect');
        expect(socket.active).toBe(false);

        socket.connect();
        await waitFor(socket, 'connect');
        const closed = waitFor(serverSocket, 'disconnect');
        socket.disconnect();
        expect((await closed)[0]).toBe('client namespace disconnect');

        socket.connect();
        await waitFor(socket, 'connect');
        serverSocket.conn.close();
        expect((await waitFor(socket, 'disconnect'))[0]).toBe('transport close');
        await waitFor(socket, 'connect'); // and it reconnects by itself
      });

      it('calls onAny and onAnyOutgoing listeners', async () => {
        const server = await setup();
        server.io.on('connection', (s) => s.on('up', (n: number) => s.emit('down', n + 1)));
        const socket = client(server.url) as Socket;
        const incoming: unknown[][] = [];
        const outgoing: unknown[][] = [];
        const any = (...args: unknown[]) => incoming.push(args);
        socket.onAny(any);
        socket.onAnyOutgoing((...args) => outgoing.push(args));
        await waitFor(socket, 'connect');
        socket.emit('up', 1);
        await waitFor(socket, 'down');
        expect(incoming).toEqual([['down', 2]]);
        expect(outgoing).toEqual([['up', 1]]);
        expect(socket.listenersAny()).toEqual([any]);
        socket.offAny(any);
        expect(socket.listenersAny()).toEqual([]);
      });
    });
  }
}

import { until } from './helpers.js';
