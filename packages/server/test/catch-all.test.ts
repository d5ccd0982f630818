import { describe, expect, it } from 'vitest';
import type { Socket } from '../src/index.js';
import { connected, startServer, waitFor } from './support/harness.js';

// @parley-engine either: PARLEY_ENGINE=engine.io runs this suite on the official engine.io (support/engine-choice.ts).

describe('catch-all listeners', () => {
  it('onAny / prependAny / offAny / listenersAny see incoming events in order', async () => {
    const { io, url } = await startServer();
    const seen: string[] = [];
    io.on('connection', (s: Socket) => {
      const second = (event: string, ...args: unknown[]) => seen.push(`second:${event}:${args.join(',')}`);
      const removed = () => seen.push('removed');
      s.onAny(second);
      s.prependAny((event: string) => seen.push(`first:${event}`));
      s.onAny(removed);
      s.offAny(removed);
      s.on('done', () => s.emit('listeners', s.listenersAny().length));
    });
    const socket = await connected(url);
    socket.emit('alpha', 1, 2);
    const count = waitFor(socket, 'listeners');
    socket.emit('done');
    expect(await count).toEqual([2]);
    expect(seen).toEqual(['first:alpha', 'second:alpha:1,2', 'first:done', 'second:done:']);
  });

  it('offAny() without argument removes every catch-all listener', async () => {
    const { io, url } = await startServer();
    io.on('connection', (s: Socket) => {
      s.onAny(() => s.emit('caught'));
      s.onAny(() => s.emit('caught'));
      s.offAny();
      s.on('count', () => s.emit('count', s.listenersAny().length));
    });
    const socket = await connected(url);
    let caught = 0;
    socket.on('caught', () => caught++);
    const count = waitFor(socket, 'count');
    socket.emit('count');
    expect(await count).toEqual([0]);
    expect(caught).toBe(0);
  });

  it('the Outgoing family sees direct emits and broadcasts', async () => {
    const { io, url } = await startServer();
    const out: string[] = [];
    io.on('connection', (s: Socket) => {
      const removed = () => out.push('removed');
      s.onAnyOutgoing((event: string, ...args: unknown[]) => out.push(`${event}:${args.join(',')}`));
      s.prependAnyOutgoing((event: string) => out.push(`pre:${event}`));
      s.onAnyOutgoing(removed);
      s.offAnyOutgoing(removed);
      s.on('go', () => {
        s.emit('direct', 1);
        io.emit('broadcast', 2);
        s.emit('count', s.listenersAnyOutgoing().length);
      });
    });
    const socket = await connected(url);
    const count = waitFor(socket, 'count');
    socket.emit('go');
    expect(await count).toEqual([2]);
    expect(out).toEqual(['pre:direct', 'direct:1', 'pre:broadcast', 'broadcast:2', 'pre:count', 'count:2']);
  });
});
