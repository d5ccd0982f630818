/**
 * `withCredentials` in Node: socket.io-client keeps the cookies the server sets on the handshake
 * (socket.io's `cookie` option, a load balancer's sticky-session cookie) and sends them on every
 * later request of the session and on its WebSocket handshake; without it, no cookie goes out.
 * Run with both clients; the server's request log shows what each sent.
 */
import type { IncomingMessage } from 'node:http';
import { describe, expect, it, vi } from 'vitest';
import { CookieJar } from '../src/engine/cookie-jar.js';
import { type ClientOptions, clients } from './clients.js';
import { socketIoServer, type TestServer, until, waitFor } from './helpers.js';
import { closedAfterEach } from './per-test-fixture.js';

/** Each request of the session: its kind and the Cookie header it carried. */
function logRequests(server: TestServer): { kind: string; cookie: string | undefined }[] {
  const log: { kind: string; cookie: string | undefined }[] = [];
  const http = server.io.httpServer;
  const record = (kind: string) => (req: IncomingMessage) => {
    if (req.url?.startsWith('/socket.io/')) log.push({ kind: `${kind} ${req.method}`, cookie: req.headers.cookie });
  };
  http.prependListener('request', record('http'));
  http.prependListener('upgrade', record('upgrade'));
  // a sticky-session cookie, as a load balancer would add it to the handshake response
  server.io.engine.on('initial_headers', (headers: Record<string, string[]>) => {
    headers['set-cookie'] = [...(headers['set-cookie'] ?? []), 'lb=node-1; Path=/'];
  });
  return log;
}

const modes: { name: string; options: ClientOptions }[] = [
  { name: 'polling then WebSocket', options: {} },
  { name: 'polling, autoUnref', options: { transports: ['polling'], upgrade: false, autoUnref: true } },
];

for (const client of clients) {
  for (const mode of modes) {
    describe(`cookies in Node [${client.name}, ${mode.name}]`, () => {
      const { fixture, sockets } = closedAfterEach(socketIoServer);

      async function session(withCredentials: boolean) {
        const server = await fixture.server({ cookie: { name: 'io', path: '/' } });
        const log = logRequests(server);
        server.io.on('connection', (s) => s.on('echo', (ack: () => void) => ack()));
        const socket = sockets.open(client, server.url, { ...mode.options, withCredentials });
        await waitFor(socket, 'connect');
        // a round trip: a POST and a GET (or the WebSocket) after the handshake
        await socket.timeout(5000).emitWithAck('echo');
        if (!mode.options.transports) {
          await until(() => socket.io.engine?.transport.name === 'websocket', 5000, 'the upgrade');
          expect(log.map((request) => request.kind)).toContain('upgrade GET');
        }
        return { log, sid: socket.io.engine!.id };
      }

      it('withCredentials: sends the cookies set on the handshake with every later request', async () => {
        const { log, sid } = await session(true);
        const [handshake, ...later] = log;
        expect(handshake).toEqual({ kind: 'http GET', cookie: undefined });
        expect(later.length).toBeGreaterThan(1);
        for (const request of later) expect(request.cookie).toBe(`io=${sid}; lb=node-1`);
      });

      it('without withCredentials: sends no cookie', async () => {
        const { log } = await session(false);
        expect(log.map((request) => request.cookie).filter(Boolean)).toEqual([]);
      });
    });
  }
}

describe('CookieJar', () => {
  it('keeps cookies by name, honours Max-Age over Expires, and drops expired or deleted ones', () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2030-01-01T00:00:00Z') });
    try {
      const jar = new CookieJar();
      jar.store([
        'a=1; Path=/',
        'b=2; Max-Age=10; Expires=Tue, 01 Jan 2030 00:00:01 GMT',
        'c=3; Expires=Tue, 01 Jan 2030 00:00:05 GMT',
        'd=4; Expires=not a date',
        'bad',
      ]);
      expect(jar.apply({})).toEqual({ cookie: 'a=1; b=2; c=3' });
      vi.setSystemTime(Date.parse('2030-01-01T00:00:06Z'));
      expect(jar.apply({ cookie: 'mine=0' })).toEqual({ cookie: 'mine=0; a=1; b=2' });
      jar.store(['a=; Max-Age=0', 'b=22']);
      expect(jar.apply({})).toEqual({ cookie: 'b=22' });
    } finally {
      vi.useRealTimers();
    }
  });
});
