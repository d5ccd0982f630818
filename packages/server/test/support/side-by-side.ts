/**
 * Scenarios run side by side on Parley and on the official socket.io server, whose behaviour is
 * the spec: the two implementations, a server started on port 0 for either, and a teardown list
 * emptied after each test.
 */
import { once } from 'node:events';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server as OfficialServer } from 'socket.io';
import { afterEach } from 'vitest';
import { Server as ParleyServer } from '../../src/index.js';

// biome-ignore lint/suspicious/noExplicitAny: the same scenario drives two server implementations
export type AnyServer = any;
export type ServerFactory = (http: HttpServer, options: Record<string, unknown>) => AnyServer;

export const IMPLEMENTATIONS: Array<[string, ServerFactory]> = [
  ['parley', (http, options) => new ParleyServer(http, options)],
  ['socket.io', (http, options) => new OfficialServer(http, options)],
];

const teardown: Array<() => unknown> = [];
afterEach(async () => {
  for (const close of teardown.splice(0).reverse()) await close();
});

/** Runs `close` after the current test, after whatever was registered later. */
export function onTeardown(close: () => unknown): void {
  teardown.push(close);
}

/** A server of `factory` listening on 127.0.0.1 port 0, closed after the test. */
export async function startSideBySide(factory: ServerFactory, options: Record<string, unknown> = {}) {
  const http = createServer();
  return listenSideBySide(http, factory(http, options));
}

/** `http` listening on 127.0.0.1 port 0 for `io` (already attached to it), both closed after the test. */
export async function listenSideBySide(http: HttpServer, io: AnyServer) {
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  onTeardown(async () => {
    await io.close();
    http.closeAllConnections();
  });
  const port = (http.address() as AddressInfo).port;
  return { io, port, url: `http://127.0.0.1:${port}` };
}
