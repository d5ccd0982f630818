import type { Socket as ClientSocket } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { ReservedEventError, type Server, type Socket } from '../src/index.js';
import { connected, startServer, TRANSPORT_MODES, waitFor } from './support/harness.js';

// @parley-engine either: PARLEY_ENGINE=engine.io runs this suite on the official engine.io (support/engine-choice.ts).

/** Connects `count` clients and returns them with their server-side sockets, in order. */
async function crowd(io: Server, url: string, count: number, mode: 'polling' | 'websocket' | 'upgrade' = 'websocket') {
  const pairs: { c: ClientSocket; s: Socket }[] = [];
  for (let i = 0; i < count; i++) {
    const next = waitFor<[Socket]>(io, 'connection');
    const c = await connected(url, mode);
    const [s] = await next;
    pairs.push({ c, s });
  }
  return pairs;
}

/** Collects the names of the `probe` events each client gets until a final `end` event. */
async function received(clients: ClientSocket[], send: () => void, io: Server): Promise<string[][]> {
  const got = clients.map(() => [] as string[]);
  clients.forEach((c, i) => {
    c.on('probe', (tag: string) => got[i].push(tag));
  });
  const ends = Promise.all(clients.map((c) => waitFor(c, 'end')));
  send();
  io.emit('end');
  await ends;
  return got;
}

describe.each(TRANSPORT_MODES)('broadcast operators over %s', (mode) => {
  it('targets unions of rooms, minus excepted rooms and sockets', async () => {
    const { io, url } = await startServer();
    const [a, b, c, d] = await crowd(io, url, 4, mode);
    a.s.join(['red', 'blue']);
    b.s.join('red');
    c.s.join('blue');
    const got = await received(
      [a.c, b.c, c.c, d.c],
      () => {
        io.to('red').to('blue').emit('probe', 'union');
        io.in('red').except('blue').emit('probe', 'red-minus-blue');
        io.except(a.s.id).emit('probe', 'all-but-a');
        a.s.to('blue').emit('probe', 'from-a-to-blue');
        a.s.broadcast.emit('probe', 'from-a');
      },
      io,
    );
    expect(got).toEqual([
      ['union'],
      ['union', 'red-minus-blue', 'all-but-a', 'from-a'],
      ['union', 'all-but-a', 'from-a-to-blue', 'from-a'],
      ['all-but-a', 'from-a'],
    ]);
  });

  it('collects broadcast acknowledgements, with emitWithAck and with a timeout', async () => {
    const { io, url } = await startServer();
    const pairs = await crowd(io, url, 3, mode);
    pairs.forEach(({ c }, i) => {
      c.on('question', (ack: (answer: number) => void) => ack(i));
    });
    const responses = await io.timeout(5000).emitWithAck('question');
    expect([...responses].sort()).toEqual([0, 1, 2]);
    const viaCallback = await new Promise<unknown[]>((resolve, reject) =>
      io
        .to(pairs[0].s.id)
        .timeout(5000)
        .emit('question', (err: Error | null, answers: unknown[]) => (err ? reject(err) : resolve(answers))),
    );
    expect(viaCallback).toEqual([0]);

    pairs[2].c.off('question');
    pairs[2].c.on('question', () => {});
    const [err, partial] = await new Promise<[Error | null, unknown[]]>((resolve) =>
      io.timeout(100).emit('question', (e: Error | null, answers: unknown[]) => resolve([e, answers])),
    );
    expect(err?.message).toBe('operation has timed out');
    expect([...partial].sort()).toEqual([0, 1]);

    // Nobody in the room: answered at once, with no responses.
    expect(await io.to('empty room').timeout(5000).emitWithAck('question')).toEqual([]);
  });

  it('sends volatile, compress(false) and local broadcasts to connected clients', async () => {
    const { io, url } = await startServer();
    const [a] = await crowd(io, url, 1, mode);
    const got = await received(
      [a.c],
      () => {
        io.local.emit('probe', 'local');
        io.compress(false).emit('probe', 'uncompressed');
        a.s.volatile.emit('probe', 'volatile-direct');
      },
      io,
    );
    expect(got[0]).toContain('local');
    expect(got[0]).toContain('uncompressed');
    // A volatile packet may be dropped when the transport is busy; when it arrives it is intact.
    for (const tag of got[0]) expect(['local', 'uncompressed', 'volatile-direct']).toContain(tag);
  });
});

describe('rooms and the adapter', () => {
  it('tracks rooms as Maps of Sets, fires room events, and leaves on disconnect', async () => {
    const { io, url } = await startServer();
    const events: string[] = [];
    const adapter = io.of('/').adapter;
    for (const name of ['create-room', 'delete-room', 'join-room', 'leave-room']) {
      adapter.on(name, (room: string) => events.push(`${name}:${room === ownId ? 'own' : room}`));
    }
    let ownId = '';
    io.use((socket, next) => {
      ownId = socket.id;
      next();
    });
    const [a] = await crowd(io, url, 1);
    a.s.join(['x', 'y']);
    a.s.leave('y');
    expect(adapter.rooms.get('x')).toEqual(new Set([a.s.id]));
    expect(adapter.sids.get(a.s.id)).toEqual(new Set([a.s.id, 'x']));
    expect(a.s.rooms).toEqual(new Set([a.s.id, 'x']));
    const gone = waitFor(a.s, 'disconnect');
    a.c.disconnect();
    await gone;
    expect(adapter.rooms.size).toBe(0);
    expect(adapter.sids.size).toBe(0);
    expect(events).toEqual([
      'create-room:own',
      'join-room:own',
      'create-room:x',
      'join-room:x',
      'create-room:y',
      'join-room:y',
      'leave-room:y',
      'delete-room:y',
      'leave-room:own',
      'delete-room:own',
      'leave-room:x',
      'delete-room:x',
    ]);
  });

  it('refuses reserved event names', async () => {
    const { io, url } = await startServer();
    const [a] = await crowd(io, url, 1);
    expect(() => io.emit('connect')).toThrow(ReservedEventError);
    expect(() => a.s.emit('disconnect')).toThrow('"disconnect" is a reserved event name');
    expect(() => io.to('r').emit('newListener')).toThrow(ReservedEventError);
  });
});

describe.each(TRANSPORT_MODES)('packets sent in one event-loop turn over %s', (mode) => {
  // A WebSocket flush writes a session's queued frames as one buffer, and sessions that queued
  // the very same frames share it: each client must still get exactly its own packets.
  it('reach each client in order, also when clients of one turn get different packets', async () => {
    const { io, url } = await startServer();
    const [a, b, c] = await crowd(io, url, 3, mode);
    b.s.join('b');
    c.s.join('c');
    const first = await received(
      [a.c, b.c, c.c],
      () => {
        io.emit('probe', 'all 1');
        io.emit('probe', 'all 2');
        io.to('b').emit('probe', 'b only');
        io.to('c').emit('probe', 'c only');
      },
      io,
    );
    expect(first).toEqual([
      ['all 1', 'all 2'],
      ['all 1', 'all 2', 'b only'],
      ['all 1', 'all 2', 'c only'],
    ]);
    for (const client of [a.c, b.c, c.c]) client.off('probe');
    // The same number of packets in the next turn: nothing of the previous turn comes back.
    const second = await received(
      [a.c, b.c, c.c],
      () => {
        io.emit('probe', 'all 3');
        io.emit('probe', 'all 4');
      },
      io,
    );
    expect(second).toEqual([
      ['all 3', 'all 4'],
      ['all 3', 'all 4'],
      ['all 3', 'all 4'],
    ]);
  });
});
