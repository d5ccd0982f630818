/**
 * socket.io-client 2.x against `allowEIO3`: every scenario runs on Parley and on the official
 * socket.io server, over polling, WebSocket and the polling-to-WebSocket upgrade, and asserts
 * what the client observes.
 */
import { describe, expect, it } from 'vitest';
import {
  type AnyIo,
  SERVER_KINDS,
  startV2Server,
  TRANSPORT_MODES,
  type V2Socket,
  v2Client,
  v2Connected,
  waitFor,
} from '../support/v2-client.js';

function nextConnection(nsp: AnyIo): Promise<AnyIo> {
  return waitFor(nsp, 'connection').then(([socket]) => socket);
}

function emitWithAck(socket: V2Socket, event: string, ...args: unknown[]): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ack for "${event}"`)), 5000);
    socket.emit(event, ...args, (...answer: unknown[]) => {
      clearTimeout(timer);
      resolve(answer);
    });
  });
}

describe.each(SERVER_KINDS)('socket.io-client 2.x on %s with allowEIO3', (kind) => {
  describe.each(TRANSPORT_MODES)('over %s', (mode) => {
    it('connects to the main namespace with the engine id as socket id and the query in the handshake', async () => {
      const { io, url } = await startV2Server(kind);
      const connection = nextConnection(io);
      const client = await v2Connected(url, mode, { query: { user: 'ann' } });
      const socket = await connection;
      expect(socket.id).toBe(client.id);
      expect(socket.id).toBe(client.io.engine.id);
      expect(socket.conn.protocol).toBe(3);
      expect(socket.handshake.query).toMatchObject({ user: 'ann', EIO: '3' });
      expect({ ...socket.handshake.auth }).toEqual({});
      expect(client.io.engine.transport.name).toBe(mode === 'polling' ? 'polling' : 'websocket');
    });

    it('carries events, acknowledgements and binary both ways', async () => {
      const { io, url } = await startV2Server(kind);
      const connection = nextConnection(io);
      const client = await v2Connected(url, mode);
      const socket = await connection;
      socket.on('echo', (...args: unknown[]) => {
        const ack = args.pop() as (...a: unknown[]) => void;
        ack(...args);
      });
      const bytes = Buffer.from([0, 1, 2, 250, 255]);
      expect(await emitWithAck(client, 'echo', 'héllo ✓', { n: 1 }, bytes)).toEqual(['héllo ✓', { n: 1 }, bytes]);

      const received = waitFor(client, 'news');
      socket.emit('news', 'text', Buffer.from([9, 8, 7]));
      const [text, data] = await received;
      expect(text).toBe('text');
      expect(Buffer.from(data as Uint8Array)).toEqual(Buffer.from([9, 8, 7]));

      client.on('question', (question: never, answer: never) => (answer as (a: unknown) => void)(`re: ${question}`));
      const answer = await new Promise((resolve) => socket.emit('question', 'why', resolve));
      expect(answer).toBe('re: why');
      const binaryAnswer = await new Promise((resolve) => {
        client.once('binary question', (answerWith: never) => (answerWith as (a: unknown) => void)(Buffer.from([5])));
        socket.emit('binary question', resolve);
      });
      expect(binaryAnswer).toEqual(Buffer.from([5]));
    });

    it('delivers room and namespace broadcasts', async () => {
      const { io, url } = await startV2Server(kind);
      io.on('connection', (socket: AnyIo) => {
        socket.on('join', (room: string, ack: () => void) => {
          socket.join(room);
          ack();
        });
        socket.on('shout', (text: string) => socket.broadcast.emit('shout', text));
      });
      const alice = await v2Connected(url, mode);
      const bob = await v2Connected(url, mode);
      await emitWithAck(bob, 'join', 'lobby');
      const inRoom = waitFor(bob, 'room');
      const aliceGotRoom: unknown[] = [];
      alice.on('room', (text: never) => aliceGotRoom.push(text));
      io.to('lobby').emit('room', 'for the lobby');
      expect(await inRoom).toEqual(['for the lobby']);

      const shouted = waitFor(bob, 'shout');
      alice.emit('shout', 'hi all');
      expect(await shouted).toEqual(['hi all']);
      const everyone = Promise.all([waitFor(alice, 'all'), waitFor(bob, 'all')]);
      io.emit('all', Buffer.from([1, 2]));
      const [[a], [b]] = await everyone;
      expect(Buffer.from(a as Uint8Array)).toEqual(Buffer.from([1, 2]));
      expect(Buffer.from(b as Uint8Array)).toEqual(Buffer.from([1, 2]));
      expect(aliceGotRoom).toEqual([]);
    });

    it('joins a namespace with a query, read as handshake auth and query', async () => {
      const { io, url } = await startV2Server(kind);
      const admin = io.of('/admin');
      const connection = nextConnection(admin);
      const client = await v2Connected(`${url}/admin?token=x`, mode);
      const socket = await connection;
      expect(socket.nsp.name).toBe('/admin');
      expect(socket.id).toBe(`/admin#${client.io.engine.id}`);
      expect(client.id).toBe(socket.id);
      expect({ ...socket.handshake.auth }).toEqual({ token: 'x' });
      expect(socket.handshake.query).toMatchObject({ token: 'x' });
      // The implicit main-namespace socket shares the connection.
      expect(io.of('/').sockets.has(client.io.engine.id)).toBe(true);

      socket.on('ping?', (n: number, ack: (n: number) => void) => ack(n + 1));
      expect(await emitWithAck(client, 'ping?', 1)).toEqual([2]);
      admin.emit('to admins', 'hello admins');
      expect(await waitFor(client, 'to admins')).toEqual(['hello admins']);
    });

    it('refuses a namespace in a middleware with the error data the client expects', async () => {
      const { io, url } = await startV2Server(kind);
      io.of('/admin').use((_socket: AnyIo, next: (err?: Error) => void) => {
        next(Object.assign(new Error('not authorized'), { data: { reason: 'token' } }));
      });
      io.of('/plain').use((_socket: AnyIo, next: (err?: Error) => void) => next(new Error('go away')));
      const admin = v2Client(`${url}/admin`, mode);
      expect(await waitFor(admin, 'error')).toEqual([{ reason: 'token' }]);
      const plain = v2Client(`${url}/plain`, mode);
      expect(await waitFor(plain, 'error')).toEqual(['go away']);
    });

    it('ends a socket when the server disconnects it, and tells the server when the client leaves', async () => {
      const { io, url } = await startV2Server(kind);
      let connection = nextConnection(io);
      const client = await v2Connected(url, mode);
      let socket = await connection;
      const clientSide = waitFor(client, 'disconnect');
      socket.disconnect();
      expect(await clientSide).toEqual(['io server disconnect']);

      connection = nextConnection(io);
      const other = await v2Connected(url, mode);
      socket = await connection;
      const serverSide = waitFor(socket, 'disconnect');
      other.close();
      const [reason] = await serverSide;
      expect(['client namespace disconnect', 'transport close']).toContain(reason);

      connection = nextConnection(io);
      const third = await v2Connected(url, mode);
      socket = await connection;
      const closed = waitFor(third, 'disconnect');
      const engineClosed = waitFor(third.io.engine, 'close');
      socket.disconnect(true);
      expect(await closed).toEqual(['io server disconnect']);
      await engineClosed;
    });
  });

  it.each(['polling', 'websocket'] as const)('cannot connect over %s without allowEIO3', async (mode) => {
    const { io, url } = await startV2Server(kind, { allowEIO3: false });
    const connections: unknown[] = [];
    io.on('connection', (socket: unknown) => connections.push(socket));
    const client = v2Client(url, mode);
    await waitFor(client, 'connect_error');
    expect(client.connected).toBe(false);
    expect(connections).toEqual([]);
  });

  it('gives a dynamic namespace check the query as auth, and refuses an unknown namespace', async () => {
    const { io, url } = await startV2Server(kind);
    io.of((name: string, auth: Record<string, string>, next: (err: Error | null, ok: boolean) => void) =>
      next(null, name.startsWith('/room-') && auth.token === 'x'),
    );
    const allowed = await v2Connected(`${url}/room-1?token=x`, 'websocket');
    expect(allowed.id).toBe(`/room-1#${allowed.io.engine.id}`);
    const refused = v2Client(`${url}/room-2?token=y`, 'websocket');
    expect(await waitFor(refused, 'error')).toEqual([{ message: 'Invalid namespace' }]);
  });

  it('keeps an idle client connected over heartbeats the client starts', async () => {
    const { io, url } = await startV2Server(kind, { pingInterval: 150, pingTimeout: 3000 });
    const connection = nextConnection(io);
    const client = await v2Connected(url, 'websocket');
    const socket = await connection;
    const disconnects: unknown[] = [];
    socket.on('disconnect', (reason: unknown) => disconnects.push(reason));
    // Three round trips: each ping of the client is answered by a pong.
    for (let i = 0; i < 3; i++) await waitFor(client.io, 'pong', 3000);
    expect(disconnects).toEqual([]);
    expect(socket.connected).toBe(true);
  });

  it('sends binary as base64 to a client that asks for it (forceBase64)', async () => {
    const { io, url } = await startV2Server(kind);
    const connection = nextConnection(io);
    const client = await v2Connected(url, 'polling', { forceBase64: true });
    const socket = await connection;
    socket.on('echo', (data: Buffer, ack: (d: Buffer) => void) => ack(data));
    const bytes = Buffer.from([1, 2, 3, 255]);
    const [answer] = await emitWithAck(client, 'echo', bytes);
    expect(Buffer.from(answer as Uint8Array)).toEqual(bytes);
  });
});
