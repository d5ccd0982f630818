import { describe, expect, it } from 'vitest';
import type { Socket } from '../src/index.js';
import { connected, startServer, waitFor } from './support/harness.js';

// @parley-engine either: PARLEY_ENGINE=engine.io runs this suite on the official engine.io (support/engine-choice.ts).

describe('allSockets() on a broadcast operator (deprecated, still in socket.io 4)', () => {
  it('lists the ids in the targeted rooms of a namespace, and every id without a room', async () => {
    const { io, url } = await startServer();
    const chat = io.of('/chat');
    const sockets: Socket[] = [];
    chat.on('connection', (s: Socket) => sockets.push(s));
    await connected(`${url}/chat`);
    await connected(`${url}/chat`);
    await connected(`${url}/chat`);
    sockets[0].join('foo');
    sockets[1].join(['foo', 'bar']);
    expect(await chat.in('foo').allSockets()).toEqual(new Set([sockets[0].id, sockets[1].id]));
    expect(await io.of('/chat').to('bar').allSockets()).toEqual(new Set([sockets[1].id]));
    // As in socket.io, `except` does not narrow the list.
    expect(await chat.in('foo').except('bar').allSockets()).toEqual(new Set([sockets[0].id, sockets[1].id]));
    expect(await chat.allSockets()).toEqual(new Set(sockets.map((s) => s.id)));
    expect(await io.in('foo').allSockets()).toEqual(new Set());
  });

  it('is offered by a socket-made operator too', async () => {
    const { io, url } = await startServer();
    const joined = waitFor<[Socket]>(io, 'connection');
    await connected(url);
    const [s] = await joined;
    s.join('room');
    expect(await s.to('room').allSockets()).toEqual(new Set([s.id]));
  });
});
