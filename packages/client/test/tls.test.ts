/**
 * Node TLS options, as socket.io-client takes them: `rejectUnauthorized: false` accepts a
 * self-signed certificate, `ca` trusts a private CA, for the polling requests and the WebSocket
 * alike; without either, the connection fails. Run with both clients against an https server.
 */
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { afterEach, describe, expect, it } from 'vitest';
import type { ManagerOptions } from '../src/index.js';
import { clients, OpenSockets } from './clients.js';
import { waitFor } from './helpers.js';

// A self-signed test certificate for 127.0.0.1 and localhost (the one the server's https test uses).
const key = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg303ZapEvgmO0xeaW
z9X4KfKSihczBVz69hvmwAYzJPihRANCAARPERjDG0XW/6jqWwY+3QQcwAJqKDaM
7O7M0Av2z4pfXi2obI1GuJkbkJHotOhHmVTKjkeE0sPnJCcVfVIIvvax
-----END PRIVATE KEY-----`;
const cert = `-----BEGIN CERTIFICATE-----
MIIBnDCCAUGgAwIBAgIUULNlPhPHH9YcHQNt0owmgzFa2pswCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyNTE3NTYyMFoYDzIxMjYxMTAx
MTc1NjIwWjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAARPERjDG0XW/6jqWwY+3QQcwAJqKDaM7O7M0Av2z4pfXi2obI1GuJkb
kJHotOhHmVTKjkeE0sPnJCcVfVIIvvaxo28wbTAdBgNVHQ4EFgQUcTm7sE9gi0MA
2TjR8uwK/SMp8D8wHwYDVR0jBBgwFoAUcTm7sE9gi0MA2TjR8uwK/SMp8D8wDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARhwR/AAABgglsb2NhbGhvc3QwCgYIKoZI
zj0EAwIDSQAwRgIhAPXCnPDGidmME3jv6EyJ2zKDV0IWJnE0Ax+3UjdAo2Q7AiEA
9dD/qv7+cz96UPvBzFqpNOdISX20MBWtmJwvdS69yJQ=
-----END CERTIFICATE-----`;

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
