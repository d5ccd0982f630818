/**
 * The engine on an https.Server: polling and WebSocket over TLS, and `socket.request` reports
 * the connection as encrypted.
 */
import { createServer, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { expect, it } from 'vitest';
import WebSocket from 'ws';
import { attach, type Socket } from '../../src/engine/index.js';
import { cert, key } from '../support/tls-certificate.js';
import { waitFor } from '../support/wait.js';
import { onCleanup } from './cleanup.js';
import { nextConnection } from './helpers.js';

it('serves polling and WebSocket sessions on an https.Server beside its own routes', async () => {
  const httpsServer = createServer({ key, cert }, (_req, res) => {
    res.end('app over tls');
  });
  const engine = attach(httpsServer);
  await new Promise<void>((resolve) => httpsServer.listen(0, '127.0.0.1', resolve));
  onCleanup(async () => {
    engine.close();
    httpsServer.closeAllConnections();
    await new Promise((resolve) => httpsServer.close(resolve));
  });
  const port = (httpsServer.address() as AddressInfo).port;
  const get = (path: string) =>
    new Promise<string>((resolve, reject) => {
      request(`https://127.0.0.1:${port}${path}`, { rejectUnauthorized: false, agent: false }, (res) => {
        let body = '';
        res.on('data', (chunk) => {
          body += chunk;
        });
        res.on('end', () => resolve(body));
      })
        .on('error', reject)
        .end();
    });

  expect(await get('/')).toBe('app over tls');
  const polling = nextConnection(engine);
  const handshake = await get('/engine.io/?EIO=4&transport=polling');
  expect(handshake[0]).toBe('0');
  const pollingSession: Socket = await polling;
  expect((pollingSession.request.socket as { encrypted?: boolean }).encrypted).toBe(true);

  const websocket = nextConnection(engine);
  const ws = new WebSocket(`wss://127.0.0.1:${port}/engine.io/?EIO=4&transport=websocket`, {
    rejectUnauthorized: false,
  });
  ws.on('error', () => {});
  onCleanup(() => ws.terminate());
  const [open] = await waitFor<[Buffer]>(ws, 'message');
  expect(open.toString()[0]).toBe('0');
  const wsSession: Socket = await websocket;
  expect((wsSession.request.connection as { encrypted?: boolean }).encrypted).toBe(true);
  const echoed = waitFor<[string]>(wsSession, 'message');
  ws.send('4over tls');
  expect((await echoed)[0]).toBe('over tls');
});
