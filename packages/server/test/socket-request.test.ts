import { describe, expect, it } from 'vitest';
import type { Socket } from '../src/index.js';
import { connected, startServer, TRANSPORT_MODES, waitFor } from './support/harness.js';

// @parley-engine either: PARLEY_ENGINE=engine.io runs this suite on the official engine.io (support/engine-choice.ts).

describe.each(TRANSPORT_MODES)('socket.request and socket.client.request over %s', (mode) => {
  it('give the handshake request to handlers', async () => {
    const { io, url } = await startServer();
    io.on('connection', (s: Socket) => {
      s.on('whoami', (ack: (answer: unknown) => void) =>
        ack({
          header: s.request.headers['x-test'],
          clientHeader: s.client.request.headers['x-test'],
          same: s.client.request === s.request,
          url: s.request.url?.startsWith('/socket.io/'),
          address: typeof s.request.socket.remoteAddress,
        }),
      );
    });
    const c = await connected(url, mode, { extraHeaders: { 'x-test': 'hello' } });
    expect(await c.timeout(5000).emitWithAck('whoami')).toEqual({
      header: 'hello',
      clientHeader: 'hello',
      same: true,
      url: true,
      address: 'string',
    });
  });

  it('are readable in a connection middleware', async () => {
    const { io, url } = await startServer();
    const seen = new Promise<unknown>((resolve) => {
      io.use((s: Socket, next) => {
        resolve(s.request.headers['x-test']);
        next();
      });
    });
    const joined = waitFor(io, 'connection');
    await connected(url, mode, { extraHeaders: { 'x-test': 'mw' } });
    await joined;
    expect(await seen).toBe('mw');
  });
});
