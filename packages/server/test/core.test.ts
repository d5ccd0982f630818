import { describe, expect, it } from 'vitest';
import type { Socket } from '../src/index.js';
import { client, connected, startServer, TRANSPORT_MODES, waitFor } from './support/harness.js';

// @parley-engine either: PARLEY_ENGINE=engine.io runs this suite on the official engine.io (support/engine-choice.ts).

describe.each(TRANSPORT_MODES)('core over %s', (mode) => {
  it('connects, gives both sides the same id, and emits in both directions', async () => {
    const { io, url } = await startServer();
    const serverSocket = waitFor<[Socket]>(io, 'connection');
    const socket = await connected(url, mode);
    const [server] = await serverSocket;
    expect(server.id).toBe(socket.id);
    expect(server.connected).toBe(true);
    expect(server.rooms).toEqual(new Set([server.id]));

    const received = waitFor(server, 'from client');
    socket.emit('from client', 1, 'two', { three: [3] });
    expect(await received).toEqual([1, 'two', { three: [3] }]);

    const reply = waitFor(socket, 'from server');
    server.emit('from server', 'hello', null, [true]);
    expect(await reply).toEqual(['hello', null, [true]]);
  });

  it('answers client acks and receives server acks, with and without timeout', async () => {
    const { io, url } = await startServer();
    io.on('connection', (s: Socket) => {
      s.on('sum', (a: number, b: number, ack: (r: number) => void) => ack(a + b));
      s.on('ready', async () => {
        const direct = await s.emitWithAck('double', 21);
        const timed = await s.timeout(5000).emitWithAck('double', 5);
        const failed = await s
          .timeout(50)
          .emitWithAck('ignore')
          .catch((err: Error) => err.message);
        const viaCallback = await new Promise((resolve) => s.emit('double', 1, resolve));
        s.emit('results', direct, timed, failed, viaCallback);
      });
    });
    const socket = await connected(url, mode);
    expect(await socket.emitWithAck('sum', 2, 3)).toBe(5);
    expect(await socket.timeout(5000).emitWithAck('sum', 10, 20)).toBe(30);
    socket.on('double', (n: number, ack: (r: number) => void) => ack(n * 2));
    socket.on('ignore', () => {});
    const results = waitFor(socket, 'results');
    socket.emit('ready');
    expect(await results).toEqual([42, 10, 'operation has timed out', 2]);
  });

  it('carries binary anywhere in the arguments, both ways', async () => {
    const { io, url } = await startServer();
    io.on('connection', (s: Socket) => {
      s.on('echo', (payload: unknown, ack: (p: unknown) => void) => ack(payload));
      s.emit('bin', Buffer.from([1, 2, 3]), { nested: [Buffer.from([4])] });
    });
    const socket = client(url, mode);
    const [first, second] = (await waitFor(socket, 'bin')) as [Uint8Array, { nested: Uint8Array[] }];
    expect([...new Uint8Array(first)]).toEqual([1, 2, 3]);
    expect([...new Uint8Array(second.nested[0])]).toEqual([4]);
    const echoed = (await socket.emitWithAck('echo', { a: Uint8Array.from([9, 8]), b: 'text' })) as {
      a: Uint8Array;
      b: string;
    };
    expect([...new Uint8Array(echoed.a)]).toEqual([9, 8]);
    expect(echoed.b).toBe('text');
  });

  it('decodes text and binary packets of several clients interleaved', async () => {
    const { io, url } = await startServer();
    io.on('connection', (s: Socket) => {
      s.on('echo', (payload: unknown, ack: (p: unknown) => void) => ack(payload));
    });
    const [a, b] = [client(url, mode), client(url, mode)];
    const rounds = await Promise.all(
      [0, 1, 2].flatMap((i) => [
        a.emitWithAck('echo', { bin: Uint8Array.from([i, 1]) }),
        b.emitWithAck('echo', `text ${i}`),
        a.emitWithAck('echo', `after binary ${i}`),
        b.emitWithAck('echo', Uint8Array.from([i, 2])),
      ]),
    );
    const bytes = (value: unknown) => [...new Uint8Array(value as Uint8Array)];
    for (let i = 0; i < 3; i++) {
      const [first, second, third, fourth] = rounds.slice(i * 4, i * 4 + 4);
      expect(bytes((first as { bin: Uint8Array }).bin)).toEqual([i, 1]);
      expect(second).toBe(`text ${i}`);
      expect(third).toBe(`after binary ${i}`);
      expect(bytes(fourth)).toEqual([i, 2]);
    }
  });

  it('broadcasts to rooms, to the namespace, and from a socket to the others', async () => {
    const { io, url } = await startServer();
    io.on('connection', (s: Socket) => {
      s.on('join', (room: string, ack: () => void) => {
        s.join(room);
        ack();
      });
      s.on('shout', (msg: string) => s.broadcast.emit('shout', msg));
    });
    const a = await connected(url, mode);
    const b = await connected(url, mode);
    const c = await connected(url, mode);
    await a.emitWithAck('join', 'red');
    await b.emitWithAck('join', 'red');
    const gotB = waitFor(b, 'room');
    const gotA = waitFor(a, 'room');
    let cGotRoom = false;
    c.on('room', () => {
      cGotRoom = true;
    });
    io.to('red').emit('room', 'red only');
    expect(await gotA).toEqual(['red only']);
    expect(await gotB).toEqual(['red only']);

    const all = Promise.all([waitFor(a, 'all'), waitFor(b, 'all'), waitFor(c, 'all')]);
    io.emit('all', 1);
    expect(await all).toEqual([[1], [1], [1]]);
    expect(cGotRoom).toBe(false);

    const shoutB = waitFor(b, 'shout');
    const shoutC = waitFor(c, 'shout');
    let aGotShout = false;
    a.on('shout', () => {
      aGotShout = true;
    });
    a.emit('shout', 'hi');
    expect(await shoutB).toEqual(['hi']);
    expect(await shoutC).toEqual(['hi']);
    // An event sent after the broadcast arrives after it, so the sender would have had it by now.
    const marker = waitFor(a, 'marker');
    io.emit('marker');
    await marker;
    expect(aGotShout).toBe(false);
  });

  it('reports the client disconnecting and the server disconnecting a socket', async () => {
    const { io, url } = await startServer();
    const reasons: string[] = [];
    io.on('connection', (s: Socket) => {
      s.on('disconnecting', () => reasons.push(`disconnecting:${s.rooms.has(s.id)}`));
      s.on('disconnect', (reason: string) => reasons.push(reason));
      s.on('kick', () => s.disconnect());
    });
    const a = await connected(url, mode);
    const aGone = waitFor(a, 'disconnect');
    a.emit('kick');
    expect((await aGone)[0]).toBe('io server disconnect');

    const b = await connected(url, mode);
    const serverSide = waitFor<[Socket]>(io, 'connection');
    const c = await connected(url, mode);
    const [sc] = await serverSide;
    const scGone = waitFor(sc, 'disconnect');
    c.disconnect();
    expect(await scGone).toEqual(['client namespace disconnect', undefined]);
    expect(reasons).toEqual([
      'disconnecting:true',
      'server namespace disconnect',
      'disconnecting:true',
      'client namespace disconnect',
    ]);
    expect(b.connected).toBe(true);
  });
});
