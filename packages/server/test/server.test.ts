import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { Server, type Socket } from '../src/index.js';
import { client, connected, track, waitFor } from './support/harness.js';

// @parley-engine either: PARLEY_ENGINE=engine.io runs this suite on the official engine.io (support/engine-choice.ts).

function echo(io: Server): void {
  io.on('connection', (s: Socket) => s.on('echo', (x: unknown, ack: (x: unknown) => void) => ack(x)));
}

describe('Server construction', () => {
  it('new Server(port) creates and listens on an HTTP server', async () => {
    const io = new Server(0);
    const http = io.httpServer as ReturnType<typeof createServer>;
    track(io, http);
    if (!http.listening) await once(http, 'listening');
    echo(io);
    const socket = await connected(`http://127.0.0.1:${(http.address() as AddressInfo).port}`);
    expect(await socket.emitWithAck('echo', 'port')).toBe('port');
  });

  it('new Server(opts) then io.listen(httpServer), with a custom path', async () => {
    const http = createServer();
    const io = new Server({ path: '/custom/' });
    track(io, http);
    io.listen(http);
    expect(io.path()).toBe('/custom');
    http.listen(0);
    await once(http, 'listening');
    echo(io);
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    const socket = await connected(url, 'polling', { path: '/custom' });
    expect(await socket.emitWithAck('echo', 'custom')).toBe('custom');
  });

  it('io.of(name, fn) registers a connection handler and io.sockets is the main namespace', async () => {
    const http = createServer();
    const io = new Server(http);
    track(io, http);
    http.listen(0);
    await once(http, 'listening');
    expect(io.of('/')).toBe(io.sockets);
    expect(io.of('chat')).toBe(io.of('/chat'));
    io.of('/chat', (s) => s.emit('in chat'));
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/chat`;
    const socket = client(url);
    await waitFor(socket, 'in chat');
    expect(await io.of('/chat').allSockets()).toEqual(new Set([socket.id]));
  });
});
