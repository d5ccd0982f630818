import { describe, expect, it, vi } from 'vitest';
import type { Socket } from '../src/index.js';
import { client, connected, startServer, TRANSPORT_MODES, waitFor } from './support/harness.js';

// @parley-engine either: PARLEY_ENGINE=engine.io runs this suite on the official engine.io (support/engine-choice.ts).

describe.each(TRANSPORT_MODES)('socket API over %s', (mode) => {
  it('describes the handshake, exposes request and conn, and keeps data', async () => {
    const { io, url } = await startServer();
    const joined = waitFor<[Socket]>(io, 'connection');
    const before = Date.now();
    const socket = await connected(`${url}?room=lobby&tag=a`, mode, {
      auth: { token: 't0k' },
      extraHeaders: { 'x-custom': 'yes' },
    });
    const [s] = await joined;
    const { handshake } = s;
    expect(handshake.auth).toEqual({ token: 't0k' });
    expect(handshake.query.room).toBe('lobby');
    expect(handshake.query.tag).toBe('a');
    expect(handshake.query.EIO).toBe('4');
    expect(handshake.url).toMatch(/^\/socket\.io\/\?/);
    expect(handshake.headers['x-custom']).toBe('yes');
    expect(handshake.address).toMatch(/127\.0\.0\.1/);
    expect(handshake.secure).toBe(false);
    expect(handshake.xdomain).toBe(false);
    expect(handshake.issued).toBeGreaterThanOrEqual(before - 1000);
    expect(handshake.time).toBe(new Date(handshake.issued).toString());
    expect(s.request.headers['x-custom']).toBe('yes');
    expect(s.conn.id).not.toBe(s.id);
    expect(s.client.conn).toBe(s.conn);
    s.data.score = 3;
    expect((await io.fetchSockets())[0].data).toEqual({ score: 3 });
    expect(s.connected && !s.disconnected).toBe(true);
    const message = waitFor(socket, 'message');
    s.send('via send', 1);
    expect(await message).toEqual(['via send', 1]);
  });
});

describe('socket lifecycle', () => {
  it('reports server shutdown, transport close and disconnect(true) with socket.io reasons', async () => {
    const { io, url } = await startServer();
    const reasons: string[] = [];
    const sockets: Socket[] = [];
    io.on('connection', (s: Socket) => {
      sockets.push(s);
      s.on('disconnect', (reason: string) => reasons.push(reason));
    });
    const a = await connected(url);
    await connected(url);
    const aClosed = waitFor(a, 'disconnect');
    // The client's own transport drops (no DISCONNECT packet).
    a.io.engine.close();
    await aClosed;
    await vi.waitFor(() => expect(reasons).toEqual(['transport close']));
    expect(sockets[0].connected).toBe(false);

    const c = client(url);
    await waitFor(c, 'connect');
    const cGone = waitFor(c, 'disconnect');
    sockets[2].disconnect(true);
    expect((await cGone)[0]).toBe('io server disconnect');
    expect(reasons[1]).toBe('server namespace disconnect');

    await io.close();
    expect(reasons[2]).toBe('server shutting down');
    expect(sockets.every((s) => s.disconnected)).toBe(true);
  });
});
