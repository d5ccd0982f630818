/** Connection state recovery: pid and offset kept, missed events replayed, `recovered` set. */
import type { Socket as ServerSocket } from 'socket.io';
import { afterEach, describe, expect, it } from 'vitest';
import { Fixture, servers, transportModes, waitFor } from './helpers.js';

for (const factory of servers) {
  for (const mode of transportModes) {
    describe(`connection state recovery [${factory.name}, ${mode.name}]`, () => {
      let fixture: Fixture;
      afterEach(() => fixture.close());

      it('replays missed events after a dropped connection and sets recovered', async () => {
        fixture = new Fixture(factory);
        const server = await fixture.server({
          connectionStateRecovery: { maxDisconnectionDuration: 30_000, skipMiddlewares: true },
        });
        const sockets: ServerSocket[] = [];
        server.io.on('connection', (s) => {
          sockets.push(s);
          s.join('room');
          // while this client is away, the server keeps talking to the room
          s.on('disconnect', () => {
            server.io.to('room').emit('missed', 1);
            server.io.to('room').emit('missed', 2);
          });
        });
        const socket = fixture.client(server.url, mode.options);
        await waitFor(socket, 'connect');
        expect(socket.recovered).toBe(false);
        const id = socket.id;

        const first = waitFor<unknown[]>(socket, 'news');
        server.io.emit('news', 'hello');
        const args = await first;
        // the offset is handed to listeners as an extra last argument, as the official client does
        expect(args[0]).toBe('hello');
        expect(args).toHaveLength(2);
        expect(args[1]).toBeTypeOf('string');

        const missed: unknown[][] = [];
        socket.on('missed', (...a: unknown[]) => missed.push(a));
        const reconnected = waitFor(socket, 'connect');
        sockets[0].conn.close();
        await reconnected;
        expect(socket.recovered).toBe(true);
        expect(socket.id).toBe(id);
        expect(sockets[1].recovered).toBe(true);
        expect(missed.map((a) => a[0])).toEqual([1, 2]);
      });
    });
  }
}
