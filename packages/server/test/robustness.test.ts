import { Socket as EngineClient } from 'engine.io-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Socket } from '../src/index.js';
import { connected, startServer, waitFor } from './support/harness.js';

// @parley-engine either: PARLEY_ENGINE=engine.io runs this suite on the official engine.io (support/engine-choice.ts).

afterEach(() => {
  vi.restoreAllMocks();
});

describe('bad input and user errors', () => {
  it.each([
    ['invalid JSON', '2["unterminated"'],
    ['a reserved event name', '2["disconnect"]'],
    ['more attachments than allowed', '511-["upload",{"_placeholder":true,"num":0}]'],
    ['an unknown packet type', '9hello'],
  ])('closes only the offending connection on %s (reason "forced close", as in socket.io)', async (_label, frame) => {
    const { io, url } = await startServer();
    const serverSockets: Socket[] = [];
    io.on('connection', (s: Socket) => {
      serverSockets.push(s);
      s.on('echo', (x: unknown, ack: (x: unknown) => void) => ack(x));
    });
    const bad = await connected(url);
    const good = await connected(url);
    const reason = waitFor(serverSockets[0], 'disconnect');
    const errors: unknown[] = [];
    serverSockets[0].on('error', (error) => errors.push(error));
    const badClosed = waitFor(bad, 'disconnect');
    bad.io.engine.send(frame);
    expect((await reason)[0]).toBe('forced close');
    expect(errors).toHaveLength(1);
    await badClosed;
    expect(await good.emitWithAck('echo', 'still here')).toBe('still here');
  });

  it('reports handler and listener exceptions without crashing or affecting other sockets', async () => {
    const logged: unknown[] = [];
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      logged.push(args);
    });
    const { io, url } = await startServer();
    const errors: string[] = [];
    io.on('connection', (s: Socket) => {
      s.on('throw', () => {
        throw new Error('sync bug');
      });
      s.on('reject', async () => {
        throw new Error('async bug');
      });
      s.on('with-error-listener', () => {
        s.on('error', (err: Error) => errors.push(err.message));
        throw new Error('caught by listener');
      });
      s.on('echo', (x: unknown, ack: (x: unknown) => void) => ack(x));
    });
    const a = await connected(url);
    const b = await connected(url);
    const c = await connected(url);
    a.emit('throw');
    a.emit('reject');
    c.emit('with-error-listener');
    expect(await a.emitWithAck('echo', 1)).toBe(1);
    expect(await b.emitWithAck('echo', 2)).toBe(2);
    await vi.waitFor(() => expect(errors).toEqual(['caught by listener']));
    expect(logged.length).toBe(2);
    expect(String((logged[0] as unknown[])[1])).toContain('sync bug');
    expect(String((logged[1] as unknown[])[1])).toContain('async bug');
    expect(a.connected).toBe(true);
  });

  it('closes a connection that joins no namespace within connectTimeout', async () => {
    const { io, port } = await startServer({ connectTimeout: 100 });
    const raw = new EngineClient(`ws://127.0.0.1:${port}`, { path: '/socket.io', transports: ['websocket'] });
    await waitFor(raw, 'open');
    expect(io.engine.clientsCount).toBe(1);
    const [reason] = await waitFor(raw, 'close');
    expect(reason).toBe('transport close');
    expect(io.engine.clientsCount).toBe(0);
  });

  it('keeps a connection that joined a namespace past connectTimeout', async () => {
    const { io, url } = await startServer({ connectTimeout: 50 });
    io.on('connection', (s: Socket) => s.on('echo', (x: unknown, ack: (x: unknown) => void) => ack(x)));
    const socket = await connected(url);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await socket.emitWithAck('echo', 'alive')).toBe('alive');
  });

  it('makes one socket for a CONNECT repeated while middlewares run, and cleans it up on close', async () => {
    const { io, port } = await startServer();
    io.use((_socket, next) => {
      setTimeout(next, 30);
    });
    const raw = new EngineClient(`ws://127.0.0.1:${port}`, { path: '/socket.io', transports: ['websocket'] });
    await waitFor(raw, 'open');
    const replies: string[] = [];
    raw.on('message', (data: string) => replies.push(data));
    const connection = waitFor(io, 'connection');
    raw.send('0');
    raw.send('0');
    await connection;
    await vi.waitFor(() => expect(replies.filter((r) => r.startsWith('0{')).length).toBe(1));
    expect(io.sockets.sockets.size).toBe(1);
    raw.close();
    await vi.waitFor(() => expect(io.sockets.sockets.size).toBe(0));
    expect(io.sockets.adapter.rooms.size).toBe(0);
  });

  it('closes a connection that sends an event to a namespace it never joined', async () => {
    const { io, port } = await startServer();
    const raw = new EngineClient(`ws://127.0.0.1:${port}`, { path: '/socket.io', transports: ['websocket'] });
    await waitFor(raw, 'open');
    const closed = waitFor(raw, 'close');
    raw.send('2/elsewhere,["hello"]');
    await closed;
    expect(io.engine.clientsCount).toBe(0);
  });

  it('survives a connection handler that throws or rejects, and keeps the socket', async () => {
    const logged: unknown[] = [];
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      logged.push(args);
    });
    const { io, url } = await startServer();
    io.on('connection', (s: Socket) => {
      s.on('echo', (x: unknown, ack: (x: unknown) => void) => ack(x));
      if (s.handshake.auth.mode === 'throw') throw new Error('handler bug');
    });
    io.of('/async').on('connection', async () => {
      throw new Error('async handler bug');
    });
    const thrower = await connected(url, 'websocket', { auth: { mode: 'throw' } });
    expect(await thrower.emitWithAck('echo', 'ok')).toBe('ok');
    await connected(`${url}/async`);
    await vi.waitFor(() => expect(logged.length).toBe(2));
    expect(String((logged[0] as unknown[])[1])).toContain('handler bug');
    expect(String((logged[1] as unknown[])[1])).toContain('async handler bug');
  });
});
