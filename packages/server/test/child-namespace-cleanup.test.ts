import { describe, expect, it } from 'vitest';
import type { ParentNamespace, Socket } from '../src/index.js';
import { client, connected, startServer, waitFor } from './support/harness.js';

// @parley-engine either: PARLEY_ENGINE=engine.io runs this suite on the official engine.io (support/engine-choice.ts).

describe('cleanupEmptyChildNamespaces', () => {
  it('removes a child namespace whose only connection its middleware refused', async () => {
    const { io, url } = await startServer({ cleanupEmptyChildNamespaces: true });
    const parent = io.of(/^\/dynamic-\d+$/) as ParentNamespace;
    parent.use((_s: Socket, next) => next(new Error('not allowed')));
    const c = await connected(url);
    for (let i = 0; i < 50; i++) {
      const socket = c.io.socket(`/dynamic-${i}`);
      const [err] = await waitFor<[Error]>(socket, 'connect_error');
      expect(err.message).toBe('not allowed');
      socket.disconnect();
    }
    expect([...io._nsps.keys()]).toEqual(['/']);
    expect(parent.children.size).toBe(0);
  });

  it('keeps the namespace while an accepted socket is in it, and removes it after', async () => {
    const { io, url } = await startServer({ cleanupEmptyChildNamespaces: true });
    const parent = io.of(/^\/dynamic-\d+$/) as ParentNamespace;
    parent.use((s: Socket, next) => (s.handshake.auth.ok ? next() : next(new Error('not allowed'))));
    const accepted = await connected(`${url}/dynamic-1`, 'websocket', { auth: { ok: true } });
    const refused = client(`${url}/dynamic-1`, 'websocket');
    await waitFor(refused, 'connect_error');
    expect(io._nsps.has('/dynamic-1')).toBe(true);
    const gone = new Promise<void>((resolve) => {
      for (const child of parent.children) for (const s of child.sockets.values()) s.on('disconnect', () => resolve());
    });
    accepted.disconnect();
    await gone;
    expect(io._nsps.has('/dynamic-1')).toBe(false);
  });

  it('leaves namespaces alone when the option is off (the default)', async () => {
    const { io, url } = await startServer();
    io.of(/^\/dynamic-\d+$/).use((_s: Socket, next) => next(new Error('not allowed')));
    const refused = client(`${url}/dynamic-7`, 'websocket');
    await waitFor(refused, 'connect_error');
    expect(io._nsps.has('/dynamic-7')).toBe(true);
  });
});
