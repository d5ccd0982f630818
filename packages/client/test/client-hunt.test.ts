/**
 * Side by side with socket.io-client (the spec), what the existing suites leave out: the Manager's
 * option getters and setters, the reconnection sequence with its error shapes and
 * `reconnection(false)` part-way, `connect()` / `disconnect()` / `io.disconnect()` in odd states
 * and from inside listeners, what the send buffer keeps and how it flushes, `timeout().emit` on a
 * socket that never connected, `auth` functions and `opts.query` across reconnections, `path`
 * written with a trailing slash, `id` / `recovered` after a reconnection, awkward argument
 * values both ways and the handshake query, the application's options object (the Manager's own,
 * copied by the socket), ack timers under `autoUnref`, and when packets reach listeners relative to
 * `process.nextTick`. Each scenario runs with both clients against the same official socket.io
 * server, and the observations must match.
 */
import { io as officialIo } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { io as parleyIo, type Socket, type TransportName } from '../src/index.js';
import {
  type ClientImplementation,
  type ClientOptions,
  type OpenSockets,
  officialClient,
  parleyClient,
} from './clients.js';
import { socketIoServer, type TestServer, waitFor } from './helpers.js';
import { closedAfterEach } from './per-test-fixture.js';

type Scenario = (client: ClientImplementation) => Promise<unknown> | unknown;

/** A short bounded pause, only to show that something does NOT happen. */
const settle = (ms = 150) => new Promise((resolve) => setTimeout(resolve, ms));

/** What an application reads off an error: its name, message, own keys and the usual fields. */
function shape(error: unknown): Record<string, unknown> {
  const e = error as Error & { type?: unknown; description?: unknown; data?: unknown };
  return {
    isError: e instanceof Error,
    name: e.name,
    message: e.message,
    type: e.type,
    description: typeof e.description,
    data: e.data,
  };
}

/** Manager and socket events, in order, each with the socket's state at that moment. */
function record(socket: Socket, log: string[] = []): string[] {
  const state = () => `${socket.connected ? 'C' : 'c'}${socket.active ? 'A' : 'a'}${socket.id ? 'I' : 'i'}`;
  const manager = socket.io;
  manager.on('open', () => log.push(`io open ${state()}`));
  manager.on('error', (e) => log.push(`io error ${e.message} ${state()}`));
  manager.on('close', (reason) => log.push(`io close ${reason} ${state()}`));
  manager.on('reconnect_attempt', (n) => log.push(`io reconnect_attempt ${n} ${state()}`));
  manager.on('reconnect_error', (e) => log.push(`io reconnect_error ${e.message} ${state()}`));
  manager.on('reconnect_failed', () => log.push(`io reconnect_failed ${state()}`));
  manager.on('reconnect', (n) => log.push(`io reconnect ${n} ${state()}`));
  socket.on('connect', () => log.push(`connect ${state()}`));
  socket.on('connect_error', (e) => log.push(`connect_error ${e.message} ${state()}`));
  socket.on('disconnect', (reason) => log.push(`disconnect ${reason} ${state()}`));
  return log;
}

/** Runs the scenario with socket.io-client, then Parley; Parley must observe the same. */
async function same(scenario: Scenario): Promise<unknown> {
  const official = await scenario(officialClient);
  const parley = await scenario(parleyClient);
  if (process.env.HUNT_DEBUG) console.log(JSON.stringify(official, null, 1));
  expect(parley).toEqual(official);
  return official;
}

/** Opens a client's socket to a server (or URL) over WebSocket unless `options` say otherwise. */
function websocketOpener(sockets: OpenSockets) {
  return (client: ClientImplementation, server: TestServer | string, options: ClientOptions = {}): Socket =>
    sockets.open(client, typeof server === 'string' ? server : server.url, { transports: ['websocket'], ...options });
}

describe('client hunt: socket.io-client and Parley side by side', () => {
  const { fixture, sockets } = closedAfterEach(socketIoServer);
  const open = websocketOpener(sockets);

  it('Manager option getters and setters: values, coercion and `this`', async () => {
    const seen = await same((client) => {
      const manager = client.connect('http://127.0.0.1:9', { autoConnect: false }).io;
      const out: unknown[] = [];
      const chain = (value: unknown) => out.push(value === manager ? 'this' : value);
      out.push(manager.reconnection(), manager.reconnectionAttempts(), manager.reconnectionDelay());
      out.push(manager.reconnectionDelayMax(), manager.randomizationFactor(), manager.timeout());
      chain(manager.reconnection(0 as unknown as boolean));
      out.push(manager.reconnection());
      chain(manager.reconnection(1 as unknown as boolean));
      out.push(manager.reconnection());
      chain(manager.reconnectionAttempts(3));
      chain(manager.reconnectionDelay(10));
      chain(manager.reconnectionDelayMax(20));
      chain(manager.randomizationFactor(0));
      chain(manager.timeout(false));
      out.push(manager.reconnectionAttempts(), manager.reconnectionDelay(), manager.reconnectionDelayMax());
      out.push(manager.randomizationFactor(), manager.timeout());
      // only a call without arguments reads
      chain(manager.reconnection(undefined as unknown as boolean));
      chain(manager.timeout(undefined as unknown as number));
      out.push(manager.reconnection(), manager.timeout());
      return out;
    });
    expect(seen).toContain('this');
  });

  it('reconnection after the server goes away: attempts numbered from 1, error shapes, reconnect_failed', async () => {
    await same(async (client) => {
      const server = await fixture.server();
      const socket = open(client, server, { reconnectionAttempts: 2, reconnectionDelay: 20, reconnectionDelayMax: 40 });
      await waitFor(socket, 'connect');
      const log = record(socket);
      const errors: unknown[] = [];
      socket.io.on('reconnect_error', (e) => errors.push(shape(e)));
      const failed = waitFor(socket.io, 'reconnect_failed');
      await server.close();
      await failed;
      await settle(100);
      return { log, errors, attempts: socket.io.reconnectionAttempts() };
    });
  });

  it('reconnects with the attempt count, a new id and recovered unset without recovery', async () => {
    await same(async (client) => {
      const server = await fixture.server();
      const socket = open(client, server, { reconnectionDelay: 20, reconnectionDelayMax: 40 });
      await waitFor(socket, 'connect');
      const first = socket.id;
      const log = record(socket);
      const reconnected = waitFor(socket, 'connect');
      for (const s of server.io.sockets.sockets.values()) s.conn.close();
      await reconnected;
      return { log, newId: socket.id !== first && typeof socket.id, recovered: socket.recovered };
    });
  });

  it('reconnection(false) from a reconnect_attempt listener stops the attempt; connect() afterwards', async () => {
    await same(async (client) => {
      const server = await fixture.server();
      const socket = open(client, server, { reconnectionDelay: 20, reconnectionDelayMax: 40 });
      await waitFor(socket, 'connect');
      const log = record(socket);
      socket.io.once('reconnect_attempt', () => socket.io.reconnection(false));
      const port = server.port;
      await server.close();
      await waitFor(socket.io, 'reconnect_attempt');
      await settle();
      log.push('-- connect()');
      const restarted = await fixture.server({}, port);
      socket.connect();
      await settle(300);
      log.push(`-- server sockets ${restarted.io.sockets.sockets.size}`);
      log.push('-- io.open()');
      socket.io.reconnection(true);
      const connected = waitFor(socket, 'connect');
      socket.io.open();
      await connected;
      return log;
    });
  });

  it('disconnect() from a reconnect_attempt listener: no attempt is made, the Manager closes once more', async () => {
    await same(async (client) => {
      const server = await fixture.server();
      const socket = open(client, server, { reconnectionDelay: 20, reconnectionDelayMax: 40 });
      await waitFor(socket, 'connect');
      const log = record(socket);
      socket.io.once('reconnect_attempt', () => socket.disconnect());
      await server.close();
      await waitFor(socket.io, 'reconnect_attempt');
      await settle();
      log.push(`-- active ${socket.active}`);
      return log;
    });
  });

  it('connect() twice while connecting, then disconnect() before the CONNECT reply', async () => {
    await same(async (client) => {
      const server = await fixture.server();
      const socket = open(client, server, { autoConnect: false });
      const log = record(socket);
      socket.connect();
      socket.connect();
      await waitFor(socket, 'connect');
      log.push(`-- server sockets ${server.io.sockets.sockets.size}`);
      socket.disconnect();
      socket.connect();
      socket.disconnect();
      await settle();
      log.push(`-- server sockets ${server.io.sockets.sockets.size}`);
      return log;
    });
  });

  it('io.disconnect() while connected, then connect(), and io.open()', async () => {
    await same(async (client) => {
      const server = await fixture.server();
      const socket = open(client, server);
      await waitFor(socket, 'connect');
      const log = record(socket);
      socket.io.disconnect();
      await settle();
      log.push('-- connect()');
      socket.connect();
      await waitFor(socket, 'connect');
      socket.io.disconnect();
      log.push('-- io.open()');
      const again = waitFor(socket, 'connect');
      socket.io.open();
      await again;
      return log;
    });
  });

  it('connect() from a disconnect listener, disconnect() from a connect listener', async () => {
    await same(async (client) => {
      const server = await fixture.server();
      server.io.on('connection', (s) => s.on('kick', () => s.disconnect()));
      const socket = open(client, server);
      await waitFor(socket, 'connect');
      const log = record(socket);
      socket.once('disconnect', () => socket.connect());
      const back = waitFor(socket, 'connect');
      socket.emit('kick');
      await back;
      socket.once('connect', () => socket.disconnect());
      socket.disconnect();
      log.push('-- reconnect');
      const leaving = waitFor(socket, 'disconnect');
      socket.connect();
      await leaving;
      await settle();
      return log;
    });
  });

  it('send buffer while disconnected: what is kept, ack timeouts, and the flush order', async () => {
    await same(async (client) => {
      const server = await fixture.server();
      const received: unknown[] = [];
      server.io.on('connection', (s) =>
        s.onAny((...args) => received.push(args.filter((a) => typeof a !== 'function'))),
      );
      const socket = open(client, server, { autoConnect: false });
      const log: unknown[] = [];
      socket.onAnyOutgoing((...args) => log.push(`out ${JSON.stringify(args)}`));
      socket.on('connect', () => log.push('connect'));
      socket.emit('a', 1);
      socket.volatile.emit('b', 2);
      socket.emit('c', () => {});
      socket.compress(false).emit('d');
      const timedOut = new Promise((resolve) =>
        socket.timeout(30).emit('e', (error: unknown) => resolve(shape(error))),
      );
      socket.emit('f');
      log.push(JSON.parse(JSON.stringify(socket.sendBuffer)));
      const buffer = socket.sendBuffer;
      log.push(await timedOut);
      log.push(JSON.parse(JSON.stringify(socket.sendBuffer)), `same array ${buffer === socket.sendBuffer}`);
      socket.connect();
      await waitFor(socket, 'connect');
      socket.emit('last');
      await waitFor(server.io.sockets.sockets.values().next().value!, 'last');
      log.push(received, socket.sendBuffer);
      return log;
    });
  });

  it('timeout().emit and emitWithAck on a socket that never connected', async () => {
    await same(async (client) => {
      const socket = open(client, 'http://127.0.0.1:9', { autoConnect: false });
      const viaCallback = await new Promise((resolve) =>
        socket.timeout(20).emit('x', (...args: unknown[]) => resolve(args.map(shape))),
      );
      const viaPromise = await socket
        .timeout(20)
        .emitWithAck('y')
        .then(
          () => 'resolved',
          (error) => shape(error),
        );
      return { viaCallback, viaPromise, buffered: socket.sendBuffer.length };
    });
  });

  it('timeout().emit pending when the socket disconnects: sent and buffered acks', async () => {
    await same(async (client) => {
      const server = await fixture.server();
      const socket = open(client, server);
      await waitFor(socket, 'connect');
      const calls: unknown[] = [];
      socket.timeout(5000).emit('sent', (...args: unknown[]) => calls.push(['sent', ...args.map(shape)]));
      socket.disconnect();
      socket.timeout(5000).emit('buffered', (...args: unknown[]) => calls.push(['buffered', ...args.map(shape)]));
      await settle();
      return { calls, buffered: socket.sendBuffer.length };
    });
  });

  it('an auth function is called on each connection; socket.auth can be replaced between them', async () => {
    await same(async (client) => {
      const server = await fixture.server();
      const seen: unknown[] = [];
      server.io.on('connection', (s) => seen.push(s.handshake.auth));
      let calls = 0;
      const socket = open(client, server, {
        reconnectionDelay: 20,
        reconnectionDelayMax: 40,
        auth: (cb: (data: Record<string, unknown>) => void) => cb({ call: ++calls }),
      });
      await waitFor(socket, 'connect');
      const again = waitFor(socket, 'connect');
      for (const s of server.io.sockets.sockets.values()) s.conn.close();
      await again;
      socket.auth = { replaced: true };
      const third = waitFor(socket, 'connect');
      for (const s of server.io.sockets.sockets.values()) s.conn.close();
      await third;
      return { seen, calls };
    });
  });

  it('io.opts.query and extraHeaders changed between reconnections are sent on the next handshake', async () => {
    await same(async (client) => {
      const server = await fixture.server();
      const seen: unknown[] = [];
      server.io.on('connection', (s) =>
        seen.push({ token: s.handshake.query.token, header: s.handshake.headers['x-token'] ?? null }),
      );
      const socket = open(client, server, {
        transports: ['polling'],
        reconnectionDelay: 20,
        reconnectionDelayMax: 40,
        query: { token: 'a' },
        extraHeaders: { 'x-token': 'a' },
      });
      await waitFor(socket, 'connect');
      socket.io.opts.query = { token: 'b' };
      socket.io.opts.extraHeaders = { 'x-token': 'b' };
      const again = waitFor(socket, 'connect');
      for (const s of server.io.sockets.sockets.values()) s.conn.close();
      await again;
      return seen;
    });
  });

  it('path with a trailing slash, without, and with two', async () => {
    await same(async (client) => {
      const server = await fixture.server({ path: '/custom' });
      const out: unknown[] = [];
      for (const path of ['/custom/', '/custom', '/custom//']) {
        for (const transports of [['websocket'], ['polling']] as TransportName[][]) {
          const socket = open(client, server, { path, transports, reconnection: false });
          const [event] = await Promise.race([
            waitFor(socket, 'connect').then(() => ['connect']),
            waitFor(socket, 'connect_error').then(([e]) => [`connect_error ${(e as Error).message}`]),
          ]);
          out.push(`${path} ${transports} ${event} ${socket.io.opts.path}`);
          socket.disconnect();
        }
      }
      return out;
    });
  });
});

describe('client hunt: refusals and restarts', () => {
  const { fixture, sockets } = closedAfterEach(socketIoServer);
  const open = websocketOpener(sockets);

  it('after reconnect_failed, connect() starts over from attempt 1', async () => {
    await same(async (client) => {
      const server = await fixture.server();
      await server.close();
      const socket = open(client, server, { reconnectionAttempts: 1, reconnectionDelay: 10, reconnectionDelayMax: 20 });
      const log = record(socket);
      await waitFor(socket.io, 'reconnect_failed');
      await settle(50);
      log.push('-- connect()');
      socket.connect();
      await waitFor(socket.io, 'reconnect_failed');
      await settle(50);
      return log;
    });
  });

  it('reconnectionAttempts lowered from a reconnect_error listener ends the cycle', async () => {
    await same(async (client) => {
      const server = await fixture.server();
      await server.close();
      const socket = open(client, server, { reconnectionDelay: 10, reconnectionDelayMax: 20 });
      const log = record(socket);
      socket.io.on('reconnect_error', () => socket.io.reconnectionAttempts(2));
      await waitFor(socket.io, 'reconnect_failed');
      await settle(80);
      return log;
    });
  });

  for (const transports of [['websocket'], ['polling']] as TransportName[][]) {
    it(`a handshake refused by allowRequest: connect_error fields [${transports}]`, async () => {
      await same(async (client) => {
        const server = await fixture.server({ allowRequest: (_req, cb) => cb('go away', false) });
        const socket = open(client, server, { transports, reconnection: false });
        const [error] = await waitFor(socket, 'connect_error');
        const e = error as Error & { description?: unknown; context?: unknown };
        const description = e.description as { message?: unknown; type?: unknown } | number | undefined;
        return {
          ...shape(error),
          description: typeof description === 'object' ? Object.keys(description).sort() : description,
          context: typeof e.context,
          active: socket.active,
        };
      });
    });
  }

  it('connect() again on a socket refused by a middleware', async () => {
    await same(async (client) => {
      const server = await fixture.server();
      let refusals = 0;
      server.io.use((_s, next) => (refusals++ < 1 ? next(new Error('not yet')) : next()));
      const socket = open(client, server);
      const log = record(socket);
      await waitFor(socket, 'connect_error');
      log.push('-- connect()');
      socket.connect();
      await waitFor(socket, 'connect');
      return log;
    });
  });

  it('two namespaces on one Manager: one leaves while the other is still connecting', async () => {
    await same(async (client) => {
      const server = await fixture.server();
      server.io.of('/admin').use((_s, next) => setTimeout(next, 50));
      const main = open(client, server, { forceNew: true });
      const admin = main.io.socket('/admin');
      const log = record(main);
      admin.on('connect', () => log.push('admin connect'));
      admin.on('disconnect', (reason) => log.push(`admin disconnect ${reason}`));
      await waitFor(main, 'connect');
      main.disconnect();
      await waitFor(admin, 'connect');
      admin.disconnect();
      await settle(50);
      return log;
    });
  });
});

describe('client hunt: autoUnref', () => {
  const { fixture, sockets } = closedAfterEach(socketIoServer);
  const timeouts = () => process.getActiveResourcesInfo().filter((type) => type === 'Timeout').length;

  it('an ack timeout keeps the process alive (only the connection is unref’d)', async () => {
    const deltas: number[] = [];
    const server = await fixture.server();
    for (const client of [officialClient, parleyClient]) {
      const socket = sockets.open(client, server.url, { transports: ['websocket'], autoUnref: true });
      await waitFor(socket, 'connect');
      const before = timeouts();
      socket.timeout(60_000).emit('unanswered', () => {});
      socket
        .timeout(60_000)
        .emitWithAck('unanswered')
        .catch(() => {});
      deltas.push(timeouts() - before);
    }
    expect(deltas[1]).toBe(deltas[0]);
  });
});

describe('client hunt: when packets are handed over (Node)', () => {
  const { fixture, sockets } = closedAfterEach(socketIoServer);

  it('events of one read reach listeners before process.nextTick and promise callbacks they queue', async () => {
    const logs: string[][] = [];
    const server = await fixture.server();
    server.io.on('connection', (s) =>
      s.on('go', () => {
        s.emit('a');
        s.emit('b');
        s.emit('done');
      }),
    );
    for (const client of [officialClient, parleyClient]) {
      const socket = sockets.open(client, server.url, { transports: ['websocket'] });
      await waitFor(socket, 'connect');
      const log: string[] = [];
      socket.on('a', () => {
        log.push('a');
        process.nextTick(() => log.push('a tick'));
        void Promise.resolve().then(() => log.push('a promise'));
      });
      socket.on('b', () => log.push('b'));
      const done = waitFor(socket, 'done');
      socket.emit('go');
      await done;
      await settle(20);
      logs.push(log);
    }
    expect(logs[1]).toEqual(logs[0]);
  });
});

describe('client hunt: what goes on the wire', () => {
  const { fixture, sockets } = closedAfterEach(socketIoServer);

  /** A JSON-able picture of a value, binary parts named by type. */
  function picture(value: unknown): unknown {
    if (Buffer.isBuffer(value)) return `Buffer(${[...value]})`;
    if (value instanceof ArrayBuffer) return `ArrayBuffer(${[...new Uint8Array(value)]})`;
    if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${[...new Uint8Array(value.buffer)]})`;
    if (value === undefined) return 'undefined';
    if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
    if (Array.isArray(value)) return value.map(picture);
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, picture(v)]));
    }
    return value;
  }

  const tricky = () => [
    undefined,
    Number.NaN,
    new Date(0),
    new Map([[1, 2]]),
    Object.assign(new Array(3), { 0: 1, 2: 3 }), // sparse
    { a: undefined, b: null },
    { toJSON: () => ({ replaced: true }) },
    new Uint8Array([1, 2]),
    new Uint16Array([258]),
    { nested: [Buffer.from([7])], empty: Buffer.alloc(0) },
    // an app's own object that looks like a placeholder (in a packet without attachments)
    { _placeholder: true, num: 0 },
  ];

  for (const transports of [['websocket'], ['polling']] as TransportName[][]) {
    it(`client to server: awkward arguments arrive as socket.io-client sends them [${transports}]`, async () => {
      const seen: unknown[] = [];
      const server = await fixture.server();
      server.io.on('connection', (s) =>
        s.on('data', (...args: unknown[]) => {
          const ack = typeof args[args.length - 1] === 'function' ? (args.pop() as () => void) : undefined;
          seen.push(picture(args));
          ack?.();
        }),
      );
      for (const client of [officialClient, parleyClient]) {
        const socket = sockets.open(client, server.url, { transports });
        await waitFor(socket, 'connect');
        socket.emit('data', ...tricky());
        await socket.timeout(5000).emitWithAck('data', 'end');
      }
      const [official, , parley] = seen;
      expect(parley).toEqual(official);
    });

    it(`server to client: awkward arguments arrive as socket.io-client reads them [${transports}]`, async () => {
      const seen: unknown[] = [];
      const server = await fixture.server();
      server.io.on('connection', (s) => s.on('send', () => s.emit('data', ...tricky())));
      for (const client of [officialClient, parleyClient]) {
        const socket = sockets.open(client, server.url, { transports });
        await waitFor(socket, 'connect');
        const got = Promise.race([
          waitFor<unknown[]>(socket, 'data').then(picture),
          waitFor<unknown[]>(socket, 'disconnect').then(([reason]) => `disconnect ${reason}`),
        ]);
        socket.emit('send');
        seen.push(await got);
      }
      expect(seen[1]).toEqual(seen[0]);
    });
  }

  for (const transports of [['websocket'], ['polling'], ['polling', 'websocket']] as TransportName[][]) {
    for (const extra of [{}, { timestampRequests: true }, { timestampRequests: false, timestampParam: 'ts' }]) {
      it(`the handshake query (and WebSocket headers) the server sees [${transports} ${JSON.stringify(extra)}]`, async () => {
        const server = await fixture.server();
        const seen: unknown[] = [];
        server.io.on('connection', (s) => {
          const { query, headers } = s.handshake;
          seen.push({
            query: Object.fromEntries(
              Object.entries(query).map(([key, value]) => [key, /^(t|ts)$/.test(key) ? typeof value : value]),
            ),
            // In Node, socket.io-client polls with XHR (xmlhttprequest-ssl) and Parley with fetch:
            // their request headers differ (README, Compatibility); the WebSocket's are the same.
            headers:
              transports[0] === 'polling'
                ? []
                : Object.keys(headers)
                    .filter((name) => name !== 'sec-websocket-key')
                    .sort(),
          });
        });
        for (const client of [officialClient, parleyClient]) {
          const socket = sockets.open(client, `${server.url}/?from=url`, { transports, ...extra });
          await waitFor(socket, 'connect');
        }
        expect(seen[1]).toEqual(seen[0]);
      });
    }
  }

  it('emit of a value JSON cannot encode: what the application sees', async () => {
    const server = await fixture.server();
    const seen: unknown[] = [];
    for (const client of [officialClient, parleyClient]) {
      const socket = sockets.open(client, server.url, { transports: ['websocket'] });
      await waitFor(socket, 'connect');
      const out: unknown[] = [];
      for (const value of [1n]) {
        try {
          socket.emit('bad', value);
          out.push('no throw');
        } catch (error) {
          out.push(shape(error));
        }
      }
      out.push(socket.connected);
      seen.push(out);
    }
    expect(seen[1]).toEqual(seen[0]);
  });
});

describe('client hunt: the options object', () => {
  const { fixture } = closedAfterEach(socketIoServer);
  const opened: Socket[] = [];
  afterEach(() => {
    for (const socket of opened.splice(0)) socket.io.disconnect();
  });

  it("the app's options object is the Manager's: a query replaced on it goes with the next handshake", async () => {
    const results: unknown[] = [];
    for (const connect of [officialIo, parleyIo] as ((url: string, options: ClientOptions) => Socket)[]) {
      const server = await fixture.server();
      const seen: unknown[] = [];
      server.io.on('connection', (s) => seen.push(s.handshake.query.token));
      const options: ClientOptions = {
        transports: ['websocket'],
        forceNew: true,
        reconnectionDelay: 20,
        reconnectionDelayMax: 40,
        query: { token: 'a' },
      };
      const socket = connect(server.url, options);
      opened.push(socket);
      await waitFor(socket, 'connect');
      options.query = { token: 'b' };
      const again = waitFor(socket, 'connect');
      for (const s of server.io.sockets.sockets.values()) s.conn.close();
      await again;
      // the socket keeps a copy: an ackTimeout set afterwards does not apply
      options.ackTimeout = 20;
      const acks: unknown[] = [];
      socket.emit('unanswered', (...args: unknown[]) => acks.push(args.map(shape)));
      await settle();
      results.push({ seen, same: socket.io.opts === options, path: options.path, acks });
    }
    expect(results[1]).toEqual(results[0]);
  });
});
