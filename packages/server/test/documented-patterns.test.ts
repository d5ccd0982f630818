/**
 * Patterns socket.io's documentation recommends to applications (sharing an Express-style
 * middleware through io.engine.use, authenticating in io.use, setting cookies from the engine's
 * header events, rooms and data set in middleware), run side by side on Parley and on the official
 * server with the official client: the official behaviour is the spec.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Socket as ClientSocket, io as ioc } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { IMPLEMENTATIONS, onTeardown, startSideBySide } from './support/side-by-side.js';
import { waitFor, within } from './support/wait.js';

// biome-ignore lint/suspicious/noExplicitAny: the same scenario drives two server implementations
type Any = any;

const TRANSPORTS: Array<[string, string[]]> = [
  ['polling', ['polling']],
  ['websocket', ['websocket']],
];

function clientOf(url: string, transports: string[], options: Record<string, unknown> = {}): ClientSocket {
  const socket = ioc(url, { transports, forceNew: true, reconnection: false, ...options });
  onTeardown(() => socket.disconnect());
  return socket;
}

/** A tiny session middleware: `req.session` from the `sid` cookie; no cookie is refused with 401. */
function sessionMiddleware(req: IncomingMessage & { session?: unknown }, res: ServerResponse, next: () => void) {
  const sid = /(?:^|;\s*)sid=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
  if (sid === undefined) {
    res.writeHead(401).end();
    return;
  }
  req.session = { sid };
  next();
}

describe.each(IMPLEMENTATIONS)('%s', (_name, factory) => {
  describe.each(TRANSPORTS)('over %s', (_transport, transports) => {
    it('a session middleware shared with io.engine.use is seen in io.use and on connection', async () => {
      const { io, url } = await startSideBySide(factory);
      io.engine.use(sessionMiddleware);
      const seen: Record<string, unknown> = {};
      io.use((socket: Any, next: () => void) => {
        seen.inMiddleware = socket.request.session;
        next();
      });
      io.on('connection', (socket: Any) => {
        seen.onConnection = socket.request.session;
      });
      const client = clientOf(url, transports, { extraHeaders: { cookie: 'sid=abc' } });
      await waitFor(client, 'connect');
      expect(seen).toEqual({ inMiddleware: { sid: 'abc' }, onConnection: { sid: 'abc' } });
    });

    it('a middleware answering 401 refuses the connection', async () => {
      const { io, url } = await startSideBySide(factory);
      io.engine.use(sessionMiddleware);
      const client = clientOf(url, transports);
      const [err] = await waitFor<[Any]>(client, 'connect_error');
      expect(err.message).toBe(transports[0] === 'polling' ? 'xhr poll error' : 'websocket error');
      if (transports[0] === 'polling') expect(err.description).toBe(401);
      expect(client.connected).toBe(false);
    });

    it('a handshake-only middleware runs once per session', async () => {
      const { io, url } = await startSideBySide(factory);
      let runs = 0;
      io.engine.use((req: Any, _res: unknown, next: () => void) => {
        const isHandshake = req._query.sid === undefined;
        if (isHandshake) runs++;
        next();
      });
      io.on('connection', (socket: Any) =>
        socket.on('echo', (value: unknown, ack: (v: unknown) => void) => ack(value)),
      );
      const client = clientOf(url, transports);
      await waitFor(client, 'connect');
      // A round trip, so that polling sends further requests after the handshake.
      expect(await within(client.emitWithAck('echo', 1), 5000, 'the echo')).toBe(1);
      expect(runs).toBe(1);
    });

    it('io.use reads auth and cookie, and a refusal carries message and data to connect_error', async () => {
      const { io, url } = await startSideBySide(factory);
      const seen: Record<string, unknown> = {};
      io.use((socket: Any, next: (err?: Error) => void) => {
        seen.token = socket.handshake.auth.token;
        seen.cookie = socket.handshake.headers.cookie;
        const err = new Error('not authorized') as Error & { data?: unknown };
        err.data = { content: 'Please retry later' };
        next(err);
      });
      const client = clientOf(url, transports, { auth: { token: 'abc' }, extraHeaders: { cookie: 'sid=1' } });
      const [err] = await waitFor<[Any]>(client, 'connect_error');
      expect(err.message).toBe('not authorized');
      expect(err.data).toEqual({ content: 'Please retry later' });
      expect(seen).toEqual({ token: 'abc', cookie: 'sid=1' });
    });

    it.each([
      ['a string error', 'not allowed'],
      ['false', null],
    ])('allowRequest refusing with %s', async (_what, error) => {
      const { url } = await startSideBySide(factory, {
        allowRequest: (_req: unknown, callback: (err: string | null, ok: boolean) => void) => callback(error, false),
      });
      const client = clientOf(url, transports);
      const [err] = await waitFor<[Any]>(client, 'connect_error');
      expect(err.message).toBe(transports[0] === 'polling' ? 'xhr poll error' : 'websocket error');
      if (transports[0] === 'polling') expect(err.description).toBe(403);
    });
  });

  it('a cookie set on initial_headers reaches the polling handshake and the websocket upgrade', async () => {
    const { io, url, port } = await startSideBySide(factory);
    io.engine.on('initial_headers', (headers: Record<string, unknown>, _req: IncomingMessage) => {
      headers['set-cookie'] = 'first=1; Path=/';
    });
    io.engine.on('headers', (headers: Record<string, unknown>) => {
      headers['x-every'] = 'yes';
    });
    const polled = await fetch(`${url}/socket.io/?EIO=4&transport=polling`);
    expect(polled.headers.get('set-cookie')).toBe('first=1; Path=/');
    expect(polled.headers.get('x-every')).toBe('yes');
    await polled.text();

    const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`);
    onTeardown(() => ws.terminate());
    const [response] = await waitFor<[IncomingMessage]>(ws, 'upgrade');
    expect(response.headers['set-cookie']).toEqual(['first=1; Path=/']);
    expect(response.headers['x-every']).toBe('yes');
  });

  it('after a polling handshake, the upgrade request passes the session middleware and gets only headers', async () => {
    const { io, url } = await startSideBySide(factory);
    const seen: string[] = [];
    io.engine.use((req: Any, res: ServerResponse, next: () => void) => {
      seen.push(`${req._query.transport}:${req._query.sid === undefined ? 'handshake' : 'session'}`);
      sessionMiddleware(req, res, next);
    });
    const events: string[] = [];
    io.engine.on('initial_headers', (_headers: unknown, req: Any) => events.push(`initial:${req._query.transport}`));
    io.engine.on('headers', (_headers: unknown, req: Any) => {
      if (req._query.transport === 'websocket') events.push('headers:websocket');
    });
    let session: unknown;
    io.on('connection', (socket: Any) => {
      session = socket.request.session;
    });
    const client = clientOf(url, ['polling', 'websocket'], { extraHeaders: { cookie: 'sid=xyz' } });
    // Listened for at once: the upgrade may complete before "connect" is seen.
    await Promise.all([waitFor(client, 'connect'), waitFor(client.io.engine, 'upgrade')]);
    expect(session).toEqual({ sid: 'xyz' });
    expect(seen[0]).toBe('polling:handshake');
    expect(seen).toContain('websocket:session');
    expect(events).toEqual(['initial:polling', 'headers:websocket']);
  });

  it('a room joined and data set in io.use are visible to fetchSockets in a handler', async () => {
    const { io, url } = await startSideBySide(factory);
    io.use((socket: Any, next: () => void) => {
      socket.join('vip');
      socket.data.user = socket.handshake.auth.user;
      next();
    });
    io.on('connection', (socket: Any) => {
      socket.on('who', async (ack: (users: unknown[]) => void) => {
        const sockets = await io.in('vip').fetchSockets();
        ack(
          sockets
            .map((s: Any) => ({ user: s.data.user, inRoom: s.rooms.has('vip') }))
            .sort((a: Any, b: Any) => a.user.localeCompare(b.user)),
        );
      });
    });
    const ada = clientOf(url, ['websocket'], { auth: { user: 'ada' } });
    const bob = clientOf(url, ['polling'], { auth: { user: 'bob' } });
    await Promise.all([waitFor(ada, 'connect'), waitFor(bob, 'connect')]);
    const users = await within(ada.timeout(5000).emitWithAck('who'), 6000, 'the fetchSockets answer');
    expect(users).toEqual([
      { user: 'ada', inRoom: true },
      { user: 'bob', inRoom: true },
    ]);
  });
});
