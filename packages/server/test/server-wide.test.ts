import { Server as OfficialServer } from 'socket.io';
import type { Socket as ClientSocket } from 'socket.io-client';
import { describe, expect, it, vi } from 'vitest';
import type { Server, Socket } from '../src/index.js';
import { connected, startServer, until, waitFor } from './support/harness.js';
import { linkedAdapterGroup } from './support/linked-adapter.js';

// @parley-engine either: PARLEY_ENGINE=engine.io runs this suite on the official engine.io (support/engine-choice.ts).

async function join(io: Server, url: string, rooms: string[], data: unknown): Promise<{ c: ClientSocket; s: Socket }> {
  const next = waitFor<[Socket]>(io, 'connection');
  const c = await connected(url);
  const [s] = await next;
  s.join(rooms);
  s.data = data;
  return { c, s };
}

describe('server-wide operations', () => {
  it('fetchSockets returns sockets with id, rooms, data and handshake, filtered by in/except', async () => {
    const { io, url } = await startServer();
    const a = await join(io, url, ['red'], { name: 'a' });
    const b = await join(io, url, ['red', 'blue'], { name: 'b' });
    await join(io, url, [], { name: 'c' });
    const all = await io.fetchSockets();
    expect(all.map((s) => s.data.name).sort()).toEqual(['a', 'b', 'c']);
    const red = await io.in('red').except('blue').fetchSockets();
    expect(red.map((s) => s.id)).toEqual([a.s.id]);
    expect(red[0].rooms).toEqual(new Set([a.s.id, 'red']));
    expect(red[0].handshake.auth).toEqual({});
    const hello = waitFor(b.c, 'hello');
    const [bRemote] = await io.in('blue').fetchSockets();
    bRemote.emit('hello', 'you');
    expect(await hello).toEqual(['you']);
  });

  it('socketsJoin, socketsLeave and disconnectSockets act on the matching sockets', async () => {
    const { io, url } = await startServer();
    const a = await join(io, url, ['red'], {});
    const b = await join(io, url, ['blue'], {});
    io.in('red').socketsJoin(['green', 'yellow']);
    expect(a.s.rooms).toEqual(new Set([a.s.id, 'red', 'green', 'yellow']));
    io.except('blue').socketsLeave('yellow');
    expect(a.s.rooms).toEqual(new Set([a.s.id, 'red', 'green']));
    expect(b.s.rooms).toEqual(new Set([b.s.id, 'blue']));
    const aGone = waitFor(a.c, 'disconnect');
    io.in('green').disconnectSockets();
    expect((await aGone)[0]).toBe('io server disconnect');
    expect(b.c.connected).toBe(true);
    const bGone = waitFor(b.c, 'disconnect');
    const bServerGone = waitFor(b.s, 'disconnect');
    io.disconnectSockets(true);
    expect((await bGone)[0]).toBe('io server disconnect');
    expect((await bServerGone)[0]).toBe('server namespace disconnect');
    // With `close`, the whole connection goes too.
    await until(() => io.engine.clientsCount === 0);
  });

  it('serverSideEmit reaches the other servers of a cluster, and collects their answers', async () => {
    const adapter = linkedAdapterGroup();
    const one = await startServer({ adapter });
    const two = await startServer({ adapter });
    const three = await startServer({ adapter });
    const heard: unknown[] = [];
    two.io.on('ping-servers', (...args: unknown[]) => heard.push(args));
    const heardByThree = waitFor(three.io, 'ping-servers');
    one.io.serverSideEmit('ping-servers', 'hello', 1);
    expect(await heardByThree).toEqual(['hello', 1]);
    expect(heard).toEqual([['hello', 1]]);

    two.io.on('how-many', (cb: (n: number) => void) => cb(2));
    three.io.on('how-many', (cb: (n: number) => void) => cb(3));
    const answers = await one.io.serverSideEmitWithAck('how-many');
    expect([...answers].sort()).toEqual([2, 3]);
    expect(() => one.io.serverSideEmit('connection')).toThrow('reserved');
  });

  it.each([
    ['parley', startServer],
    ['socket.io', async () => ({ io: new OfficialServer() })],
  ])('%s: with the in-memory adapter, serverSideEmit only warns and never calls the ack', async (_name, begin) => {
    const { io } = await begin();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const ack = vi.fn();
      expect(io.serverSideEmit('census', ack)).toBe(true);
      // Long enough for any deferred answer (Parley used to answer on a microtask).
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(ack).not.toHaveBeenCalled();
      expect(warn).toHaveBeenCalledTimes(1);
    } finally {
      // An official server made without an HTTP server holds nothing to close.
      warn.mockRestore();
    }
  });

  it('with a cluster adapter, broadcasts and broadcast acks span servers and local() stays local', async () => {
    const adapter = linkedAdapterGroup();
    const one = await startServer({ adapter });
    const two = await startServer({ adapter });
    const a = await connected(one.url);
    const b = await connected(two.url);
    a.on('q', (ack: (x: string) => void) => ack('a'));
    b.on('q', (ack: (x: string) => void) => ack('b'));
    const answers = await one.io.timeout(5000).emitWithAck('q');
    expect([...answers].sort()).toEqual(['a', 'b']);

    let bGotLocal = false;
    b.on('local-only', () => {
      bGotLocal = true;
    });
    const aGotLocal = waitFor(a, 'local-only');
    one.io.local.emit('local-only');
    await aGotLocal;
    const bEnd = waitFor(b, 'end');
    one.io.emit('end');
    await bEnd;
    expect(bGotLocal).toBe(false);

    const fetched = await one.io.fetchSockets();
    expect(fetched.map((s) => s.id).sort()).toEqual([a.id, b.id].sort());
    const remote = fetched.find((s) => s.id === b.id);
    const direct = waitFor(b, 'direct');
    remote?.emit('direct', 'via remote socket');
    expect(await direct).toEqual(['via remote socket']);
    expect(remote?.constructor.name).toBe('RemoteSocket');
    // One remote socket, one response: the ack gets `(err, response)`, not a list.
    const single = await new Promise<unknown[]>((resolve) =>
      remote?.timeout(5000).emit('q', (err: Error | null, response: unknown) => resolve([err, response])),
    );
    expect(single).toEqual([null, 'b']);
    expect(await remote?.timeout(5000).emitWithAck('q')).toBe('b');
  });
});
