/**
 * `useNativeTimers`: fake timers installed after the client was loaded (vitest's here, sinon's
 * alike) don't drive a client created with the option, and do drive one created without it.
 * The connection timeout is the timer observed, against a server that accepts TCP connections
 * and never answers.
 */
import { createServer, type Server as NetServer, type Socket as NetSocket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { io, type Socket } from '../src/index.js';

// The real timers, for this file's own bounds while the fake ones are installed.
const realSetTimeout = setTimeout;
const realClearTimeout = clearTimeout;

function waitReal<T extends unknown[]>(emitter: Socket, event: string, ms: number): Promise<T | 'timeout'> {
  return new Promise((resolve) => {
    const timer = realSetTimeout(() => resolve('timeout'), ms);
    emitter.once(event as 'connect_error', (...args: unknown[]) => {
      realClearTimeout(timer);
      resolve(args as T);
    });
  });
}

describe('useNativeTimers', () => {
  let blackHole: NetServer;
  const connections: NetSocket[] = [];
  let socket: Socket | undefined;
  afterEach(async () => {
    vi.useRealTimers();
    socket?.io.disconnect();
    for (const connection of connections) connection.destroy();
    await new Promise((resolve) => blackHole.close(resolve));
  });

  const start = async (): Promise<string> => {
    blackHole = createServer((connection) => connections.push(connection));
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    const { port } = blackHole.address() as { port: number };
    return `http://127.0.0.1:${port}`;
  };
  const options = { forceNew: true, reconnection: false, timeout: 100, transports: ['polling' as const] };

  it('true: real timers keep running under fake timers installed later', async () => {
    const url = await start();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    socket = io(url, { ...options, useNativeTimers: true });
    const result = await waitReal<[Error]>(socket, 'connect_error', 8000);
    expect(result).not.toBe('timeout');
    expect((result as [Error])[0].message).toBe('timeout');
  });

  it('false (default): the fake timers drive the client', async () => {
    const url = await start();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    socket = io(url, options);
    // well past the 100 ms timeout in real time, yet nothing fires: the clock is the fake one
    expect(await waitReal(socket, 'connect_error', 1000)).toBe('timeout');
    const fired = waitReal<[Error]>(socket, 'connect_error', 8000);
    vi.advanceTimersByTime(100);
    const result = await fired;
    expect(result).not.toBe('timeout');
    expect((result as [Error])[0].message).toBe('timeout');
  });
});
