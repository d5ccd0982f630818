import { describe, expect, it } from 'vitest';
import type { Socket } from '../src/index.js';
import { client, connected, startServer, TRANSPORT_MODES, waitFor, within } from './support/harness.js';

// @parley-engine either: PARLEY_ENGINE=engine.io runs this suite on the official engine.io (support/engine-choice.ts).

describe.each(TRANSPORT_MODES)('a socket after its disconnection, over %s', (mode) => {
  it('cannot join rooms any more', async () => {
    const { io, url } = await startServer();
    const joined = waitFor<[Socket]>(io, 'connection');
    const c = await connected(url, mode);
    const [s] = await joined;
    const gone = waitFor(s, 'disconnect');
    c.disconnect();
    await gone;
    expect(s.join('late')).toBeUndefined();
    expect(io.of('/').adapter.rooms.has('late')).toBe(false);
    expect(s.rooms.size).toBe(0);
    expect(await io.in('late').fetchSockets()).toEqual([]);
  });

  it('leaves the rooms its middlewares joined when a later middleware refuses it', async () => {
    const { io, url } = await startServer();
    io.use((s: Socket, next) => {
      s.join(['vip', 'lobby']);
      next();
    });
    io.use((_s: Socket, next) => next(new Error('refused')));
    const c = client(url, mode);
    const [err] = await waitFor<[Error]>(c, 'connect_error');
    expect(err.message).toBe('refused');
    expect([...io.of('/').adapter.rooms.keys()]).toEqual([]);
    expect([...io.of('/').adapter.sids.keys()]).toEqual([]);
    expect(await io.in('vip').allSockets()).toEqual(new Set());
  });

  it('ignores a packet that arrives with or after its disconnection: no handler runs', async () => {
    const { io, url } = await startServer();
    const handled: string[] = [];
    const closed = new Promise<string>((resolve) => {
      io.on('connection', (s: Socket) => {
        s.on('test', () => handled.push('test'));
        s.on('sync', (ack: () => void) => ack());
        s.on('disconnect', (reason: string) => resolve(reason));
      });
    });
    const c = await connected(url, mode);
    // The event (with an attachment) and the DISCONNECT leave together, as in socket.io's suite.
    c.emit('test', Buffer.alloc(10));
    c.disconnect();
    expect(await within(closed, 5000, 'disconnect')).toBe('client namespace disconnect');
    // A round trip on another connection: anything still due would have been dispatched by now.
    const other = await connected(url, mode);
    await other.timeout(5000).emitWithAck('sync');
    expect(handled).toEqual([]);
  });

  it('still dispatches an event whose batch holds no DISCONNECT', async () => {
    const { io, url } = await startServer();
    io.on('connection', (s: Socket) => {
      s.on('test', (payload: Buffer, ack: (n: number) => void) => ack(payload.length));
    });
    const c = await connected(url, mode);
    expect(await c.timeout(5000).emitWithAck('test', Buffer.alloc(10))).toBe(10);
  });
});
