/**
 * Node TLS options, as socket.io-client takes them: `rejectUnauthorized: false` accepts a
 * self-signed certificate, `ca` trusts a private CA, for the polling requests and the WebSocket
 * alike; without either, the connection fails. Run with both clients against an https server.
 */
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { afterEach, describe, expect, it } from 'vitest';
import { cert, key } from '../../server/test/support/tls-certificate.js';
import type { ManagerOptions } from '../src/index.js';
import { clients, OpenSockets } from './clients.js';
import { waitFor } from './helpers.js';

const transportModes: { name: string; options: Partial<ManagerOptions> }[] = [
  { name: 'polling', options: { transports: ['polling'], upgrade: false } },
  { name: 'websocket', options: { transports: ['websocket'] } },
];

for (const client of clients) {
  for (const mode of transportModes) {
    describe(`TLS options in Node [${client.name}, ${mode.name}]`, () => {
      const sockets = new OpenSockets();
      const closers: (() => Promise<void>)[] = [];
      afterEach(async () => {
        sockets.closeAll();
        await Promise.all(closers.splice(0).map((close) => close()));
      });

      async function httpsUrl(): Promise<string> {
        const https = createServer({ key, cert });
        const io = new Server(https, { serveClient: false });
        await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
        closers.push(
          () =>
            new Promise<void>((resolve) => {
              io.close(() => resolve());
              https.closeAllConnections();
            }),
        );
        return `https://localhost:${(https.address() as AddressInfo).port}`;
      }

      const trusting: [string, Partial<ManagerOptions>][] = [
        ['rejectUnauthorized: false', { rejectUnauthorized: false }],
        ['ca', { ca: cert }],
      ];
      for (const [name, tls] of trusting) {
        it(`connects to a self-signed server with ${name}`, async () => {
          const socket = sockets.open(client, await httpsUrl(), { ...mode.options, ...tls, reconnection: false });
          await waitFor(socket, 'connect');
          expect(socket.io.engine?.transport.name).toBe(mode.name);
        });
      }

      it('refuses the self-signed certificate by default', async () => {
        const socket = sockets.open(client, await httpsUrl(), { ...mode.options, reconnection: false });
        const [error] = await waitFor<[Error]>(socket, 'connect_error');
        expect(error.message).toBe(mode.name === 'polling' ? 'xhr poll error' : 'websocket error');
      });
    });
  }
}
