import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { ExtendedError, Socket } from '../src/index.js';
import { client, connected, startServer, TRANSPORT_MODES, waitFor } from './support/harness.js';

// @parley-engine either: PARLEY_ENGINE=engine.io runs this suite on the official engine.io (support/engine-choice.ts).

describe.each(TRANSPORT_MODES)('connection middlewares over %s', (mode) => {
  it('refuses with message and data, and accepts once next() is called', async () => {
    const { io, url } = await startServer();
    io.use((socket, next) => {
      if (socket.handshake.auth.token === 'secret') return next();
      const err: ExtendedError = new Error('not authorized');
      err.data = { code: 42, hint: 'send a token' };
      next(err);
    });
    const refused = client(url, mode, { auth: { token: 'wrong' } });
    const [err] = (await waitFor(refused, 'connect_error')) as [Error & { data: unknown }];
    expect(err.message).toBe('not authorized');
    expect(err.data).toEqual({ code: 42, hint: 'send a token' });
    const accepted = await connected(url, mode, { auth: { token: 'secret' } });
    expect(accepted.connected).toBe(true);
  });
});

describe('middlewares', () => {
  it('runs namespace middlewares in order, async ones included, and refuses on a throw', async () => {
    const { io, url } = await startServer();
    const order: string[] = [];
    const admin = io.of('/admin');
    admin.use((_socket, next) => {
      order.push('first');
      next();
    });
    admin.use(async (socket, next) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      order.push('second');
      socket.data.user = 'ada';
      next();
    });
    admin.on('connection', (s: Socket) => s.emit('user', s.data.user));
    const socket = client(`${url}/admin`);
    expect(await waitFor(socket, 'user')).toEqual(['ada']);
    expect(order).toEqual(['first', 'second']);

    io.of('/broken').use(() => {
      throw new Error('middleware bug');
    });
    const broken = client(`${url}/broken`);
    expect(((await waitFor(broken, 'connect_error')) as [Error])[0].message).toBe('middleware bug');
  });

  it('runs socket.use per incoming packet; next(err) reaches the socket error listener', async () => {
    const { io, url } = await startServer();
    io.on('connection', (s: Socket) => {
      s.use(([event, ...args], next) => {
        if (event === 'forbidden') return next(new Error('not allowed'));
        if (event === 'tag') args[0].tagged = true;
        next();
      });
      s.on('error', (err: Error) => s.emit('refused', err.message));
      s.on('tag', (payload: unknown, ack: (p: unknown) => void) => ack(payload));
      s.on('forbidden', () => s.emit('should not happen'));
    });
    const socket = await connected(url);
    expect(await socket.emitWithAck('tag', { n: 1 })).toEqual({ n: 1, tagged: true });
    const refused = waitFor(socket, 'refused');
    socket.emit('forbidden');
    expect(await refused).toEqual(['not allowed']);
  });

  it('io.engine.use adds HTTP middleware in front of the engine', async () => {
    const { io, url } = await startServer();
    io.engine.use((req: IncomingMessage, _res: ServerResponse, next: (err?: Error) => void) => {
      if (req.headers['x-ticket'] === 'ok') next();
      else next(new Error('no ticket'));
    });
    const refused = client(url, 'polling');
    expect(((await waitFor(refused, 'connect_error')) as [Error])[0].message).toBe('xhr poll error');
    const accepted = await connected(url, 'polling', { extraHeaders: { 'x-ticket': 'ok' } });
    expect(accepted.connected).toBe(true);
  });
});
