/**
 * Engine options, HTTP edge cases and server API behaviour where Parley once differed from the
 * official socket.io server, asserted against both in the same scenario: the official behaviour
 * is the spec.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Socket as ClientSocket, io as ioc } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { rawRequest } from './support/raw-http.js';
import { type AnyServer, IMPLEMENTATIONS, onTeardown, startSideBySide } from './support/side-by-side.js';
import { waitFor, within } from './support/wait.js';

const OPEN_PACKET =
  /^0\{"sid":"[\w-]{20}","upgrades":\[[^\]]*\],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000\}$/;

/** Opens a WebSocket to `url`, closed after the test; resolves with the 101 response and the first message. */
async function openWebSocket(url: string, headers: Record<string, string> = {}) {
  const ws = new WebSocket(url.replace(/^http/, 'ws'), { headers });
  onTeardown(() => ws.terminate());
  ws.on('error', () => {});
  const upgrade = waitFor<[IncomingMessage]>(ws, 'upgrade');
  const message = waitFor<[Buffer]>(ws, 'message');
  const [response] = await upgrade;
  const [first] = await message;
  return { response, first: first.toString() };
}

function clientOf(url: string, transports: string[]): ClientSocket {
  const socket = ioc(url, { transports, forceNew: true, reconnection: false });
  onTeardown(() => socket.disconnect());
  return socket;
}

describe.each(IMPLEMENTATIONS)('%s', (_name, factory) => {
  it('an empty sid parameter asks for a new session, over polling and WebSocket', async () => {
    const { io, url } = await startSideBySide(factory);
    const opened: string[] = [];
    io.engine.on('connection', (socket: { id: string }) => opened.push(socket.id));
    const polled = await rawRequest(`${url}/socket.io/?EIO=4&transport=polling&sid=`);
    expect(polled.status).toBe(200);
    expect(polled.text).toMatch(OPEN_PACKET);
    const { response, first } = await openWebSocket(`${url}/socket.io/?EIO=4&transport=websocket&sid=`);
    expect(response.statusCode).toBe(101);
    expect(first).toMatch(OPEN_PACKET);
    expect(opened).toHaveLength(2);
  });

  it("a WebSocket handshake's 101 carries the headers HTTP middlewares and cors set, and no session cookie", async () => {
    const { io, url } = await startSideBySide(factory, { cookie: true, cors: { origin: '*' } });
    io.engine.use((_req: IncomingMessage, res: ServerResponse, next: () => void) => {
      res.setHeader('X-From-Middleware', 'yes');
      next();
    });
    const listenersSaw: Array<Record<string, unknown>> = [];
    io.engine.on('headers', (headers: Record<string, unknown>) => {
      listenersSaw.push({ ...headers });
    });
    const { response } = await openWebSocket(`${url}/socket.io/?EIO=4&transport=websocket`, {
      origin: 'http://elsewhere.test',
    });
    expect(response.headers['access-control-allow-origin']).toBe('*');
    expect(response.headers['x-from-middleware']).toBe('yes');
    // engine.io sets its session cookie on polling handshakes only.
    expect(response.headers['set-cookie']).toBeUndefined();
    expect(listenersSaw).toEqual([expect.objectContaining({ 'X-From-Middleware': 'yes' })]);
    // The polling handshake still gets the cookie.
    const polled = await rawRequest(`${url}/socket.io/?EIO=4&transport=polling`, {
      headers: { origin: 'http://elsewhere.test' },
    });
    expect(polled.headers['set-cookie']).toEqual([
      expect.stringMatching(/^io=[\w-]{20}; Path=\/; HttpOnly; SameSite=Lax$/),
    ]);
  });

  it('manager.socket(nsp).connect() on an open Manager (a repeated CONNECT) keeps the connection', async () => {
    const { io, url } = await startSideBySide(factory);
    const serverReasons: string[] = [];
    io.on('connection', (socket: AnyServer) => socket.on('disconnect', (reason: string) => serverReasons.push(reason)));
    io.of('/admin').on('connection', (socket: AnyServer) => {
      socket.on('ping', (answer: (value: string) => void) => answer('pong'));
    });
    const main = clientOf(url, ['websocket']);
    await waitFor(main, 'connect');
    // socket.io-client's Manager.socket() starts connecting at once (autoConnect); connect() on the
    // same socket, with the Manager already open, sends its CONNECT a second time.
    const admin = main.io.socket('/admin');
    onTeardown(() => admin.disconnect());
    const connected = waitFor(admin, 'connect');
    admin.connect();
    await connected;
    expect(await within(admin.timeout(2000).emitWithAck('ping'), 3000, 'the answer')).toBe('pong');
    expect(main.connected).toBe(true);
    expect(admin.connected).toBe(true);
    expect(serverReasons).toEqual([]);
  });
});

describe.each(IMPLEMENTATIONS)('EventEmitter methods on the server [%s]', (_name, factory) => {
  it('act on the main namespace and return what it returns (io.on(...) is io.sockets)', async () => {
    const { io } = await startSideBySide(factory);
    const listener = () => {};
    for (const method of [
      'on',
      'addListener',
      'prependListener',
      'once',
      'prependOnceListener',
      'off',
      'removeListener',
    ]) {
      expect(io[method]('custom', listener), method).toBe(io.sockets);
    }
    expect(io.removeAllListeners('custom')).toBe(io.sockets);
    expect(io.setMaxListeners(17)).toBe(io.sockets);
    expect([io.getMaxListeners(), io.sockets.getMaxListeners()]).toEqual([17, 17]);
    io.once('connection', listener);
    expect(io.rawListeners('connection')).toEqual(io.sockets.rawListeners('connection'));
    expect(io.sockets.listenerCount('connection')).toBe(1);
  });
});

describe.each(IMPLEMENTATIONS)('a dynamic parent namespace [%s]', (_name, factory) => {
  /** A parent `io.of(regex)` with two children, one client each (in room 'r', answering 'q' with its namespace). */
  async function parentWithTwoChildren() {
    const { io, url } = await startSideBySide(factory);
    const parent = io.of(/^\/dyn-\d+$/);
    parent.on('connection', (socket: AnyServer) => socket.join('r'));
    const clients = ['/dyn-1', '/dyn-2'].map((nsp) => {
      const socket = clientOf(`${url}${nsp}`, ['websocket']);
      socket.on('q', (answer: (value: string) => void) => answer(nsp));
      return socket;
    });
    await Promise.all(clients.map((socket) => waitFor(socket, 'connect')));
    return { io, parent, clients };
  }

  it('broadcasts to its children, rooms included', async () => {
    const { parent, clients } = await parentWithTwoChildren();
    const heard = clients.map((socket) => waitFor<[string]>(socket, 'news'));
    parent.to('r').emit('news', 'for r');
    expect(await Promise.all(heard)).toEqual([['for r'], ['for r']]);
  });

  it('refuses fetchSockets(); its room operations find none of its children’s sockets', async () => {
    const { io, parent, clients } = await parentWithTwoChildren();
    expect(() => parent.fetchSockets()).toThrow('fetchSockets() is not supported on parent namespaces');
    expect(await parent.in('r').fetchSockets()).toEqual([]);
    parent.socketsJoin('joined');
    parent.disconnectSockets();
    const [child] = await io.of('/dyn-1').fetchSockets();
    expect(child.rooms.has('joined')).toBe(false);
    expect(clients.map((socket) => socket.connected)).toEqual([true, true]);
  });

  it('calls an acknowledged emit back once per child', async () => {
    const { parent } = await parentWithTwoChildren();
    const answers = await within(
      new Promise<unknown[]>((resolve) => {
        const calls: unknown[] = [];
        parent.emit('q', (err: Error | null, responses: string[]) => {
          calls.push([err, responses]);
          if (calls.length === 2) resolve(calls);
        });
      }),
      5000,
      'both callbacks',
    );
    // Without timeout(), each child's broadcast times out at once (see socket-layer-fidelity.test.ts).
    const timedOut = [expect.objectContaining({ message: 'operation has timed out' }), []];
    expect(answers).toEqual([timedOut, timedOut]);
    // Through timeout(), the parent's own (empty) set of sockets answers at once.
    expect(await parent.timeout(1000).emitWithAck('q')).toEqual([]);
  });
});
