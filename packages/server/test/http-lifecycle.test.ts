/**
 * The HTTP layer and lifecycle, side by side with the official socket.io server: the HTTP server
 * `new Server(port)` owns, which URLs are engine requests, `io.close()` and listening again, and
 * how constructor and `attach()` options merge into `io.engine.opts`.
 */
import { once } from 'node:events';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server as OfficialServer } from 'socket.io';
import { afterEach, describe, expect, it } from 'vitest';
import { Server, type ServerOptions } from '../src/index.js';
import { client, connected, track, waitFor, within } from './support/harness.js';
import { rawRequest } from './support/raw-http.js';

const teardown: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of teardown.splice(0)) await step();
});

type AnyServer = { close(): Promise<void>; httpServer: unknown };

/** The port of the HTTP server a Socket.IO server (Parley's or the official one) listens on. */
async function portOf(io: AnyServer): Promise<number> {
  const http = io.httpServer as HttpServer;
  if (!http.listening) await once(http, 'listening');
  return (http.address() as AddressInfo).port;
}

/** A Parley server and an official one, each on an HTTP server of its own from `new Server(0)`. */
async function bothOnOwnServers(opts: Partial<ServerOptions> = {}): Promise<{ parley: string; official: string }> {
  const parley = new Server(0, opts);
  track(parley, parley.httpServer as HttpServer);
  const official = new OfficialServer(0, opts as ConstructorParameters<typeof OfficialServer>[1]);
  teardown.push(() => official.close());
  return {
    parley: `http://127.0.0.1:${await portOf(parley)}`,
    official: `http://127.0.0.1:${await portOf(official)}`,
  };
}

describe('the HTTP server Parley owns (new Server(port), io.listen(port))', () => {
  it('answers a request outside the engine path with an immediate 404, as socket.io does', async () => {
    const { parley, official } = await bothOnOwnServers();
    for (const path of ['/', '/index.html', '/socket.io', '/socket.io?EIO=4&transport=polling', '/socket.iox/']) {
      const [ours, theirs] = await Promise.all([rawRequest(parley + path), rawRequest(official + path)]);
      expect({ path, status: ours.status, body: ours.text }).toEqual({ path, status: 404, body: '' });
      expect(theirs.status).toBe(404);
      const post = await rawRequest(parley + path, { method: 'POST' });
      expect(post.status).toBe(404);
    }
  });
});

describe('the path option, normalized as socket.io and engine.io do', () => {
  it('routes the same URLs as the official server for each spelling of the path', async () => {
    const urls = [
      '/custom/?EIO=4&transport=polling',
      '/custom?EIO=4&transport=polling',
      '/x/?EIO=4&transport=polling',
      '/x//?EIO=4&transport=polling',
      '/?EIO=4&transport=polling',
    ];
    for (const path of ['/custom/', '/custom', 'custom', '/x//', '/']) {
      const parleyServer = new Server(0, { path });
      track(parleyServer, parleyServer.httpServer as HttpServer);
      const officialServer = new OfficialServer(0, { path });
      teardown.push(() => officialServer.close());
      expect({ path, io: parleyServer.path(), engine: parleyServer.engine.opts.path }).toEqual({
        path,
        io: officialServer.path(),
        engine: (officialServer.engine.opts as { path?: string }).path,
      });
      const parley = `http://127.0.0.1:${await portOf(parleyServer)}`;
      const official = `http://127.0.0.1:${await portOf(officialServer)}`;
      for (const url of urls) {
        const [ours, theirs] = await Promise.all([rawRequest(parley + url), rawRequest(official + url)]);
        expect({ path, url, status: ours.status }).toEqual({ path, url, status: theirs.status });
      }
    }
  });
});

describe('every URL under the engine path is an engine request (prefix match, as engine.io)', () => {
  const origin = 'https://app.example';
  const opts: Partial<ServerOptions> = {
    cors: { origin, credentials: true },
    allowRequest: (req, callback) => callback(req.headers['x-refuse'] ? 'refused' : null, !req.headers['x-refuse']),
  };

  it('handshakes at /socket.io/<anything>/', async () => {
    const { parley, official } = await bothOnOwnServers(opts);
    for (const base of [parley, official]) {
      const res = await rawRequest(`${base}/socket.io/default/?EIO=4&transport=polling`, {
        headers: { Origin: origin },
      });
      expect(res.status).toBe(200);
      expect(res.text).toMatch(/^0\{"sid":"[^"]+"/);
      expect(res.headers['access-control-allow-origin']).toBe(origin);
      expect(res.headers['access-control-allow-credentials']).toBe('true');
    }
  });

  it('answers the CORS preflight there with 204 and the cors headers', async () => {
    const { parley, official } = await bothOnOwnServers(opts);
    const preflight = {
      method: 'OPTIONS',
      headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'x-a' },
    };
    const url = '/socket.io/default/?EIO=4&transport=polling';
    const [ours, theirs] = await Promise.all([
      rawRequest(parley + url, preflight),
      rawRequest(official + url, preflight),
    ]);
    expect(ours.status).toBe(204);
    expect(theirs.status).toBe(204);
    for (const header of [
      'access-control-allow-origin',
      'access-control-allow-credentials',
      'access-control-allow-methods',
      'access-control-allow-headers',
    ]) {
      expect({ header, value: ours.headers[header] }).toEqual({ header, value: theirs.headers[header] });
    }
  });

  it('runs allowRequest there, and refuses URLs that are not engine requests with the engine error', async () => {
    const { parley, official } = await bothOnOwnServers(opts);
    const refusedUrl = '/socket.io/default/?EIO=4&transport=polling';
    for (const [url, headers] of [
      [refusedUrl, { 'X-Refuse': '1' }],
      ['/socket.io/other.js', {}],
      ['/socket.io/a/b/c?x=1', {}],
    ] as const) {
      const [ours, theirs] = await Promise.all([
        rawRequest(parley + url, { headers }),
        rawRequest(official + url, { headers }),
      ]);
      expect({ url, status: ours.status, body: ours.text }).toEqual({ url, status: theirs.status, body: theirs.text });
    }
    const refused = await rawRequest(parley + refusedUrl, { headers: { 'X-Refuse': '1' } });
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.text)).toEqual({ code: 4, message: 'refused' });
  });

  it('connects socket.io-client through a path with a trailing segment', async () => {
    const { parley } = await bothOnOwnServers();
    // The client asks for `<path>/`; a path of `/socket.io/default` is under the engine's prefix.
    const socket = await connected(parley, 'polling', { path: '/socket.io/default' });
    expect(socket.connected).toBe(true);
  });
});

describe('io.close() and listening again', () => {
  it('calls back and resolves when the HTTP server never listened, with the error socket.io gives', async () => {
    const parley = new Server(createServer());
    const official = new OfficialServer(createServer());
    const errors: (Error | undefined)[] = [];
    await within(
      parley.close((err) => errors.push(err)),
      5000,
      'io.close()',
    );
    await within(
      official.close((err) => errors.push(err)),
      5000,
      'official io.close()',
    );
    expect(errors).toHaveLength(2);
    expect((errors[0] as NodeJS.ErrnoException | undefined)?.code).toBe(
      (errors[1] as NodeJS.ErrnoException | undefined)?.code,
    );
    expect((errors[0] as NodeJS.ErrnoException).code).toBe('ERR_SERVER_NOT_RUNNING');
    // Closing twice is the same answer again, not a hang.
    await within(parley.close(), 5000, 'second io.close()');
  });

  it('resolves a server never attached', async () => {
    const io = new Server();
    let called = false;
    await within(
      io.close(() => {
        called = true;
      }),
      5000,
      'io.close()',
    );
    expect(called).toBe(true);
  });

  it('io.listen(port) after io.close() starts again: clients connect and emit', async () => {
    const io = new Server();
    io.on('connection', (socket) => socket.on('echo', (value: unknown, ack: (v: unknown) => void) => ack(value)));
    io.listen(0);
    const first = await connected(`http://127.0.0.1:${await portOf(io)}`);
    const disconnected = waitFor(first, 'disconnect');
    await within(io.close(), 10_000, 'io.close()');
    await disconnected;
    expect((io.httpServer as HttpServer).listening).toBe(false);

    io.listen(0);
    track(io, io.httpServer as HttpServer);
    const url = `http://127.0.0.1:${await portOf(io)}`;
    for (const mode of ['polling', 'websocket', 'upgrade'] as const) {
      const socket = await connected(url, mode);
      expect(await socket.timeout(5000).emitWithAck('echo', mode)).toBe(mode);
    }
    expect(io.engine.clientsCount).toBe(3);
  });

  it('attaches to two HTTP servers at once, and close() closes both engines', async () => {
    const io = new Server();
    io.on('connection', (socket) => socket.emit('hello', socket.conn.transport.name));
    const servers = [createServer(), createServer()];
    for (const http of servers) {
      io.attach(http);
      http.listen(0);
      await once(http, 'listening');
      teardown.push(() => new Promise((resolve) => http.close(resolve)));
    }
    const sockets = servers.map((http) => client(`http://127.0.0.1:${(http.address() as AddressInfo).port}`));
    await Promise.all(sockets.map((socket) => waitFor(socket, 'hello')));
    const disconnected = Promise.all(sockets.map((socket) => waitFor(socket, 'disconnect', 10_000)));
    await within(io.close(), 10_000, 'io.close()');
    await disconnected;
  });
});

describe('options given to new Server(opts) and io.attach(httpServer, opts)', () => {
  /** The engine options both engines define, with the same names and defaults. */
  const SHARED_KEYS = [
    'pingInterval',
    'pingTimeout',
    'upgradeTimeout',
    'maxHttpBufferSize',
    'allowUpgrades',
    'httpCompression',
    'cors',
    'cookie',
    'allowEIO3',
    'path',
    'connectTimeout',
  ];

  function pick(opts: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(SHARED_KEYS.map((key) => [key, opts[key]]));
  }

  async function attachBoth(constructorOpts: Partial<ServerOptions>, attachOpts: Partial<ServerOptions>) {
    const parleyHttp = createServer();
    const parley = new Server({ ...constructorOpts }).attach(parleyHttp, { ...attachOpts });
    track(parley, parleyHttp);
    const officialHttp = createServer();
    const official = new OfficialServer({ ...constructorOpts } as ConstructorParameters<typeof OfficialServer>[0]);
    official.attach(officialHttp, { ...attachOpts } as Parameters<typeof official.attach>[1]);
    teardown.push(() => official.close());
    for (const http of [parleyHttp, officialHttp]) {
      http.listen(0);
      await once(http, 'listening');
    }
    return {
      parley,
      official,
      parleyUrl: `http://127.0.0.1:${(parleyHttp.address() as AddressInfo).port}`,
      officialUrl: `http://127.0.0.1:${(officialHttp.address() as AddressInfo).port}`,
    };
  }

  it('shows the defaults in io.engine.opts as engine.io does', async () => {
    const { parley, official } = await attachBoth({}, {});
    expect(pick(parley.engine.opts)).toEqual(pick(official.engine.opts as unknown as Record<string, unknown>));
    expect(parley.engine.opts.cors).toBe(false);
    expect(parley.engine.opts.path).toBe('/socket.io');
  });

  it('merges them with the constructor winning, and the handshake shows the effect', async () => {
    const constructorOpts: Partial<ServerOptions> = {
      pingInterval: 1500,
      cookie: true,
      cors: { origin: 'https://a.example' },
      connectTimeout: 4000,
    };
    const attachOpts: Partial<ServerOptions> = {
      pingInterval: 9000,
      pingTimeout: 2500,
      maxHttpBufferSize: 5000,
      path: '/merged',
    };
    const { parley, official, parleyUrl, officialUrl } = await attachBoth(constructorOpts, attachOpts);
    const effective = pick(parley.engine.opts);
    expect(effective).toEqual(pick(official.engine.opts as unknown as Record<string, unknown>));
    expect(effective).toMatchObject({ pingInterval: 1500, pingTimeout: 2500, maxHttpBufferSize: 5000 });
    expect(effective.cookie).toEqual({ name: 'io', path: '/', httpOnly: true, sameSite: 'lax' });
    // As socket.io: `io.path()` stays the constructor's (here the default), the engine is at the attach path.
    expect(parley.path()).toBe(official.path());

    const handshake = '/merged/?EIO=4&transport=polling';
    const headers = { Origin: 'https://a.example' };
    const [ours, theirs] = await Promise.all([
      rawRequest(parleyUrl + handshake, { headers }),
      rawRequest(officialUrl + handshake, { headers }),
    ]);
    const open = (text: string) => JSON.parse(text.slice(1)) as Record<string, unknown>;
    expect({ ...open(ours.text), sid: '' }).toEqual({ ...open(theirs.text), sid: '' });
    expect(open(ours.text)).toMatchObject({ pingInterval: 1500, pingTimeout: 2500, maxPayload: 5000 });
    expect(ours.headers['access-control-allow-origin']).toBe('https://a.example');
    expect(ours.headers['set-cookie']?.[0]).toMatch(/^io=[^;]+; Path=\/; HttpOnly; SameSite=Lax$/);

    parley.on('connection', (socket) => socket.emit('path', socket.conn.transport.name));
    const socket = client(parleyUrl, 'websocket', { path: '/merged' });
    expect(await waitFor(socket, 'path')).toEqual(['websocket']);
  });

  it('refuses an Express-style request handler with a clear error', () => {
    const io = new Server();
    const handler = (() => {}) as unknown as HttpServer;
    expect(() => io.attach(handler)).toThrow(/http\.Server/);
  });
});
