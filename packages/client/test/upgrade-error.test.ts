/**
 * A WebSocket upgrade probe that fails: the engine's `upgradeError` carries engine.io-client's
 * message ("probe error", then what failed; alone for an answer that is not the probe pong,
 * a frame that will not decode included) and the probed transport's name in `transport`, and
 * the session stays on polling. Both clients, against the official server.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import type { Engine } from '../src/index.js';
import { clients } from './clients.js';
import { socketIoServer, waitFor } from './helpers.js';
import { closedAfterEach } from './per-test-fixture.js';

type ProbeError = Error & { transport?: string };

for (const client of clients) {
  describe(`upgradeError [${client.name}]`, () => {
    const { fixture, sockets } = closedAfterEach(socketIoServer);
    // Held upgrade requests: their sockets left the HTTP server, which cannot close them itself
    const held: Duplex[] = [];
    afterEach(() => {
      for (const socket of held.splice(0)) socket.destroy();
    });

    it('reports a probe the server refuses as "probe error: Error: websocket error"', async () => {
      const server = await fixture.server();
      // the probe's upgrade request is answered with an HTTP error
      server.io.engine.use((req: IncomingMessage, _res: ServerResponse, next: (error?: Error) => void) =>
        next(req.url?.includes('transport=websocket') ? new Error('no upgrade') : undefined),
      );
      const socket = sockets.open(client, server.url, { autoConnect: false });
      const connected = waitFor(socket, 'connect');
      socket.connect();
      const engine = socket.io.engine as Engine;
      const [error] = await waitFor<[ProbeError]>(engine, 'upgradeError');
      expect(error).toBeInstanceOf(Error);
      expect(error.message).toBe('probe error: Error: websocket error');
      expect(error.transport).toBe('websocket');
      await connected;
      expect(engine.transport.name).toBe('polling');
    });

    it('reports a probe answered with a frame that will not decode as "probe error"', async () => {
      const server = await fixture.server();
      // the probe's WebSocket is opened, kept from the session, and its ping answered with garbage
      const wss = (server.io.engine as unknown as { ws: unknown }).ws as {
        handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, done: (ws: WebSocket) => void): void;
      };
      const handleUpgrade = wss.handleUpgrade.bind(wss);
      wss.handleUpgrade = (req, socket, head, done) =>
        handleUpgrade(req, socket, head, (ws) => {
          if (!req.url?.includes('sid=')) return done(ws);
          held.push(socket);
          ws.on('message', () => ws.send('x'));
        });
      const socket = sockets.open(client, server.url, { autoConnect: false });
      const connected = waitFor(socket, 'connect');
      socket.connect();
      const engine = socket.io.engine as Engine;
      const [error] = await waitFor<[ProbeError]>(engine, 'upgradeError');
      expect(error.message).toBe('probe error');
      expect(error.transport).toBe('websocket');
      await connected;
      expect(engine.transport.name).toBe('polling');
    });

    it('reports a session closed during the probe as "probe error: socket closed"', async () => {
      const server = await fixture.server();
      // the probe's upgrade request is held: no answer until the client gives up on it
      const probeArrived = new Promise<void>((resolve) =>
        server.io.engine.use((req: IncomingMessage, _res: ServerResponse, next: (error?: Error) => void) => {
          if (!req.url?.includes('transport=websocket')) return next();
          held.push(req.socket);
          resolve();
        }),
      );
      const socket = sockets.open(client, server.url, { autoConnect: false, reconnection: false });
      socket.connect();
      const engine = socket.io.engine as Engine;
      await waitFor(socket, 'connect');
      await probeArrived;
      const upgradeError = waitFor<[ProbeError]>(engine, 'upgradeError');
      engine.close();
      const [error] = await upgradeError;
      expect(error.message).toBe('probe error: socket closed');
      expect(error.transport).toBe('websocket');
    });
  });
}
