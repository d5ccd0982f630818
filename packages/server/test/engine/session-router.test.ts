/**
 * The SessionRouter seam: new sessions take the router's ids, and a request or an upgrade that
 * names a session the engine does not hold goes to the router before any refusal; what the
 * router hands back (`unrouted`) gets the engine's usual answer.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { expect, test } from 'vitest';
import type { ConnectionErrorEvent, SessionRouter } from '../../src/engine/index.js';
import { waitFor } from '../support/wait.js';
import { nextConnection, pollingHandshake, startEngine } from './helpers.js';
import { http, rawWebSocket, refusedWebSocket } from './raw-clients.js';

/** A router that answers 299 for sessions of node `elsewhere`, and hands back every other one. */
function fakeRouter() {
  let count = 0;
  const routed: string[] = [];
  const router: SessionRouter & { routed: string[]; closed: boolean } = {
    routed,
    closed: false,
    generateId: () => `here.${++count}`,
    routeRequest(_req: IncomingMessage, res: ServerResponse, sid: string, unrouted: () => void) {
      routed.push(`request ${sid}`);
      if (!sid.startsWith('elsewhere.')) return unrouted();
      res.writeHead(299, { 'Content-Type': 'text/plain' });
      res.end('answered elsewhere');
    },
    routeUpgrade(_req: IncomingMessage, socket: Duplex, _head: Buffer, sid: string, unrouted: () => void) {
      routed.push(`upgrade ${sid}`);
      if (!sid.startsWith('elsewhere.')) return unrouted();
      socket.end('HTTP/1.1 299 Elsewhere\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    },
    close() {
      router.closed = true;
    },
  };
  return router;
}

test("new sessions take the router's ids, over polling and over WebSocket", async () => {
  const router = fakeRouter();
  const t = await startEngine({ sessionRouter: router });
  expect((await pollingHandshake(t)).sid).toBe('here.1');
  const connection = nextConnection(t.engine);
  await rawWebSocket(t.url({ EIO: '4', transport: 'websocket' }));
  expect((await connection).id).toBe('here.2');
  expect(router.routed).toEqual([]);
});

test("an application's generateId wins over the router's", async () => {
  const t = await startEngine({ sessionRouter: fakeRouter(), generateId: () => 'mine' });
  expect((await pollingHandshake(t)).sid).toBe('mine');
});

test('requests for sessions held here never reach the router', async () => {
  const router = fakeRouter();
  const t = await startEngine({ sessionRouter: router });
  const { sid } = await pollingHandshake(t);
  const post = await http(t.url({ EIO: '4', transport: 'polling', sid }), { method: 'POST', body: '4hi' });
  expect(post).toMatchObject({ status: 200, body: 'ok' });
  expect(router.routed).toEqual([]);
});

test('an unknown session goes to the router; what it hands back gets the usual 400', async () => {
  const router = fakeRouter();
  const t = await startEngine({ sessionRouter: router });
  const routed = await http(t.url({ EIO: '4', transport: 'polling', sid: 'elsewhere.7' }));
  expect(routed).toMatchObject({ status: 299, body: 'answered elsewhere' });
  const errors = waitFor<[ConnectionErrorEvent]>(t.engine, 'connection_error');
  const refused = await http(t.url({ EIO: '4', transport: 'polling', sid: 'nowhere.1' }));
  expect(refused).toMatchObject({ status: 400, body: '{"code":1,"message":"Session ID unknown"}' });
  expect((await errors)[0].code).toBe(1);
  const upgrade = await refusedWebSocket(t.url({ EIO: '4', transport: 'websocket', sid: 'nowhere.2' }));
  expect(upgrade).toEqual({ status: 400, body: 'Session ID unknown' });
  expect(router.routed).toEqual(['request elsewhere.7', 'request nowhere.1', 'upgrade nowhere.2']);
});

test('an unknown session in an upgrade goes to the router with the raw socket', async () => {
  const router = fakeRouter();
  const t = await startEngine({ sessionRouter: router });
  const answer = await refusedWebSocket(t.url({ EIO: '4', transport: 'websocket', sid: 'elsewhere.3' }));
  expect(answer.status).toBe(299);
  expect(router.routed).toEqual(['upgrade elsewhere.3']);
});

test('setSessionRouter installs and removes a router; close() closes it', async () => {
  const t = await startEngine();
  const router = fakeRouter();
  t.engine.setSessionRouter(router);
  expect((await http(t.url({ EIO: '4', transport: 'polling', sid: 'elsewhere.1' }))).status).toBe(299);
  t.engine.setSessionRouter(undefined);
  expect((await http(t.url({ EIO: '4', transport: 'polling', sid: 'elsewhere.1' }))).status).toBe(400);
  t.engine.setSessionRouter(router);
  t.engine.close();
  expect(router.closed).toBe(true);
});
