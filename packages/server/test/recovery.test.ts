import { describe, expect, it } from 'vitest';
import type { Socket } from '../src/index.js';
import { client, startServer, TRANSPORT_MODES, waitFor } from './support/harness.js';

// @parley-engine either: PARLEY_ENGINE=engine.io runs this suite on the official engine.io (support/engine-choice.ts).

describe.each(TRANSPORT_MODES)('connection state recovery over %s', (mode) => {
  it('restores id, rooms and data after a forced transport close, and replays missed events', async () => {
    const { io, url } = await startServer({ connectionStateRecovery: { maxDisconnectionDuration: 10_000 } });
    const serverSockets: Socket[] = [];
    io.on('connection', (s: Socket) => {
      serverSockets.push(s);
      if (!s.recovered) {
        s.join('team');
        s.data = { user: 'ada' };
      }
    });
    const socket = client(url, mode, { reconnection: true, reconnectionDelay: 50, reconnectionDelayMax: 100 });
    const first = waitFor(socket, 'seen');
    await waitFor(socket, 'connect');
    expect(socket.recovered).toBe(false);
    io.emit('seen', 'before');
    // The offset travels as an extra last argument.
    const [value, offset] = await first;
    expect(value).toBe('before');
    expect(typeof offset).toBe('string');
    const firstId = socket.id;

    const dropped = waitFor(serverSockets[0], 'disconnect');
    serverSockets[0].conn.close();
    expect((await dropped)[0]).toBe('forced close');
    io.to('team').emit('missed', 'to the team');
    io.emit('missed', 'to everyone');
    io.to('elsewhere').emit('missed', 'not for us');
    io.volatile.emit('missed', 'volatile is not kept');

    const missed: unknown[] = [];
    socket.on('missed', (what: unknown) => missed.push(what));
    const reconnected = waitFor(socket, 'connect', 10_000);
    await reconnected;
    expect(socket.recovered).toBe(true);
    expect(socket.id).toBe(firstId);
    const restored = serverSockets[1];
    expect(restored.recovered).toBe(true);
    expect(restored.id).toBe(firstId);
    expect(restored.data).toEqual({ user: 'ada' });
    expect(restored.rooms).toEqual(new Set([firstId, 'team']));
    const after = waitFor(socket, 'after');
    io.emit('after');
    await after;
    expect(missed).toEqual(['to the team', 'to everyone']);
  });
});

describe('connection state recovery', () => {
  it('does not recover an unknown session, and runs middlewares unless skipMiddlewares', async () => {
    const { io, url } = await startServer({
      connectionStateRecovery: { maxDisconnectionDuration: 10_000, skipMiddlewares: false },
    });
    let middlewareRuns = 0;
    io.use((_socket, next) => {
      middlewareRuns++;
      next();
    });
    const serverSockets: Socket[] = [];
    io.on('connection', (s: Socket) => serverSockets.push(s));
    const socket = client(url, 'websocket', { reconnection: true, reconnectionDelay: 50, reconnectionDelayMax: 100 });
    const seen = waitFor(socket, 'seen');
    await waitFor(socket, 'connect');
    io.emit('seen');
    await seen;
    serverSockets[0].conn.close();
    await waitFor(socket, 'connect', 10_000);
    expect(socket.recovered).toBe(true);
    expect(middlewareRuns).toBe(2);

    // A forged session is a fresh connection.
    const forged = client(url, 'websocket', { auth: { pid: 'nope', offset: 'nope' } });
    await waitFor(forged, 'connect');
    expect(forged.recovered).toBe(false);
    expect(serverSockets[2].recovered).toBe(false);
  });
});
