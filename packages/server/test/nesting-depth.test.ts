import { describe, expect, it } from 'vitest';
import type { Socket } from '../src/index.js';
import { connected, startServer, TRANSPORT_MODES, until, waitFor } from './support/harness.js';

/** `levels` arrays inside one another. */
function nested(levels: number): string {
  return `${'['.repeat(levels)}${']'.repeat(levels)}`;
}

describe('deeply nested arguments', () => {
  it.each(TRANSPORT_MODES)(
    'a 100,000-deep argument (%s) closes only its connection; handlers never see it',
    async (mode) => {
      const { io, url } = await startServer();
      const seen: unknown[] = [];
      const reasons: string[] = [];
      io.on('connection', (socket: Socket) => {
        socket.on('disconnect', (reason: string) => reasons.push(reason));
        // Acking from a promise: a RangeError thrown here would be an unhandled rejection.
        socket.on('echo', async (value: unknown, ack: (value: unknown) => void) => {
          seen.push(value);
          await Promise.resolve();
          ack(value);
        });
      });
      const honest = await connected(url, 'websocket');
      const attacker = await connected(url, mode);
      const attackerClosed = waitFor<[string]>(attacker, 'disconnect', 10_000);
      attacker.io.engine.send(`21["echo",${nested(100_000)}]`);
      expect((await attackerClosed)[0]).toMatch(/transport (close|error)|parse error/);
      // A malformed Socket.IO packet closes the connection as socket.io does: reason "forced close".
      await until(() => reasons.includes('forced close'), 10_000);
      expect(seen).toEqual([]);
      expect(await honest.timeout(10_000).emitWithAck('echo', 'still here')).toBe('still here');
    },
  );

  it('an argument 256 levels deep still makes the round trip', async () => {
    const { io, url } = await startServer();
    io.on('connection', (socket: Socket) => {
      socket.on('echo', async (value: unknown, ack: (value: unknown) => void) => {
        await Promise.resolve();
        ack(value);
      });
    });
    const client = await connected(url);
    const deep = JSON.parse(nested(256)) as unknown;
    expect(await client.timeout(10_000).emitWithAck('echo', deep)).toEqual(deep);
  });
});
