/**
 * socket.io-client 2.x with `allowEIO3`, side by side: each scenario runs on the official
 * socket.io server and on Parley, and what the client (or the application) observes must be the
 * same on both.
 */
import { describe, expect, it } from 'vitest';
import {
  type AnyIo,
  type ServerKind,
  startV2Server,
  TRANSPORT_MODES,
  type TransportMode,
  type V2Socket,
  v2Client,
  v2Connected,
  waitFor,
} from '../support/v2-client.js';

type Scenario = (kind: ServerKind) => Promise<unknown>;

/** Runs `scenario` on socket.io, then on Parley, and expects the same observation. */
async function sameOnBoth(scenario: Scenario): Promise<void> {
  const reference = await scenario('socket.io');
  const parley = await scenario('parley');
  expect(parley).toEqual(reference);
}

function nextConnection(nsp: AnyIo): Promise<AnyIo> {
  return waitFor(nsp, 'connection').then(([socket]) => socket);
}

/** Every event a v2 socket hears (its reserved ones included), in order. */
function recordV2(socket: V2Socket, events: string[]): string[] {
  const log: string[] = [];
  for (const event of events) socket.on(event, (...args: never[]) => log.push(`${event}:${JSON.stringify(args)}`));
  return log;
}

describe('socket.io-client 2.x, same observations on socket.io and Parley', () => {
  it('the engine connection and the handshake of a v2 client', async () => {
    await sameOnBoth(async (kind) => {
      const { io, url } = await startV2Server(kind);
      const engine = waitFor(io.engine, 'connection');
      const connection = nextConnection(io);
      await v2Connected(url, 'polling', { query: { user: 'ann' } });
      const [conn] = (await engine) as [AnyIo];
      const socket = await connection;
      const h = socket.handshake;
      return {
        protocol: conn.protocol,
        transport: conn.transport.name,
        keys: Object.keys(h).sort(),
        query: Object.keys(h.query).sort(),
        eio: h.query.EIO,
        url: h.url.replace(/([?&])t=[^&]+/, '$1t=T'),
        xdomain: h.xdomain,
        secure: h.secure,
        address: h.address,
        auth: { ...h.auth },
        issued: typeof h.issued,
        time: typeof h.time,
        rooms: [...socket.rooms].length,
      };
    });
  });

  it.each(TRANSPORT_MODES)('a main-namespace middleware refusing a v2 client (%s)', async (mode) => {
    await sameOnBoth(async (kind) => {
      const { io, url } = await startV2Server(kind);
      io.use((_socket: AnyIo, next: (err?: Error) => void) =>
        next(Object.assign(new Error('nope'), { data: { code: 7 } })),
      );
      const client = v2Client(url, mode as TransportMode);
      const log = recordV2(client, ['connect', 'error', 'disconnect', 'connect_error']);
      await waitFor(client, 'error');
      // Then the same client joins another namespace on the same connection.
      const admin = client.io as unknown as { socket(nsp: string): V2Socket };
      const other = admin.socket('/other');
      (other as unknown as { open(): void }).open();
      const connected = await Promise.race([
        waitFor(other, 'connect', 3000).then(() => 'connect'),
        waitFor(other, 'error', 3000).then(([e]) => `error ${JSON.stringify(e)}`),
      ]).catch((e) => String(e));
      return { log, connected, engine: client.io.engine.readyState, sockets: io.of('/').sockets.size };
    });
  });

  it('a middleware error without data, and with an empty message', async () => {
    await sameOnBoth(async (kind) => {
      const { io, url } = await startV2Server(kind);
      io.of('/a').use((_s: AnyIo, next: (err?: Error) => void) => next(new Error('')));
      io.of('/b').use((_s: AnyIo, next: (err?: Error) => void) => next(Object.assign(new Error('m'), { data: 0 })));
      io.of('/c').use((_s: AnyIo, next: (err?: Error) => void) => next(Object.assign(new Error('m'), { data: null })));
      const out: unknown[] = [];
      for (const nsp of ['/a', '/b', '/c', '/missing']) {
        const client = v2Client(`${url}${nsp}`, 'websocket');
        out.push(await waitFor(client, 'error', 3000).catch((e) => String(e)));
      }
      return out;
    });
  });

  it.each(TRANSPORT_MODES)('disconnect reasons on both sides (%s)', async (mode) => {
    await sameOnBoth(async (kind) => {
      const { io, url } = await startV2Server(kind);
      const out: unknown[] = [];
      // The client closes its socket of the main namespace.
      let connection = nextConnection(io);
      let client = await v2Connected(url, mode as TransportMode);
      let socket = await connection;
      let serverSide = waitFor(socket, 'disconnect');
      let clientSide = waitFor(client, 'disconnect');
      client.close();
      out.push((await serverSide)[0], (await clientSide)[0]);
      // The client closes a namespace socket; its main socket stays.
      connection = nextConnection(io.of('/admin'));
      const main = nextConnection(io);
      client = await v2Connected(`${url}/admin`, mode as TransportMode);
      socket = await connection;
      const mainSocket = await main;
      serverSide = waitFor(socket, 'disconnect');
      const mainDisconnects: unknown[] = [];
      mainSocket.on('disconnect', (r: unknown) => mainDisconnects.push(r));
      client.close();
      out.push((await serverSide)[0]);
      // The engine closes when the last socket of the manager closes.
      await new Promise((resolve) => setTimeout(resolve, 100));
      out.push(mainDisconnects, client.io.engine.readyState);
      // The transport closes under the client.
      connection = nextConnection(io);
      client = await v2Connected(url, mode as TransportMode);
      socket = await connection;
      serverSide = waitFor(socket, 'disconnect');
      clientSide = waitFor(client, 'disconnect');
      (client.io.engine as unknown as { close(): void }).close();
      out.push((await serverSide)[0], (await clientSide)[0]);
      // io.close()
      connection = nextConnection(io);
      client = await v2Connected(url, mode as TransportMode);
      socket = await connection;
      serverSide = waitFor(socket, 'disconnect');
      clientSide = waitFor(client, 'disconnect');
      io.close();
      out.push((await serverSide)[0], (await clientSide)[0]);
      return out;
    });
  });

  it('a namespace socket disconnected by the server, the main one staying', async () => {
    await sameOnBoth(async (kind) => {
      const { io, url } = await startV2Server(kind);
      const connection = nextConnection(io.of('/admin'));
      const main = nextConnection(io);
      const client = await v2Connected(`${url}/admin`, 'websocket');
      const socket = await connection;
      const mainSocket = await main;
      const log = recordV2(client, ['disconnect', 'error', 'news']);
      const reasons: unknown[] = [];
      socket.on('disconnect', (r: unknown) => reasons.push(r));
      mainSocket.on('disconnect', (r: unknown) => reasons.push(`main ${r}`));
      const clientSide = waitFor(client, 'disconnect');
      socket.disconnect();
      await clientSide;
      io.of('/admin').emit('news', 1);
      mainSocket.emit('news', 2);
      await new Promise((resolve) => setTimeout(resolve, 100));
      return { log, reasons, engine: client.io.engine.readyState, main: mainSocket.connected };
    });
  });

  it('the server times out a v2 client that stops pinging; the client hears the close', async () => {
    await sameOnBoth(async (kind) => {
      const { io, url } = await startV2Server(kind, { pingInterval: 100, pingTimeout: 200 });
      const connection = nextConnection(io);
      const client = await v2Connected(url, 'websocket');
      const socket = await connection;
      const engine = client.io.engine as unknown as Record<string, unknown>;
      clearTimeout(engine.pingIntervalTimer as NodeJS.Timeout);
      clearTimeout(engine.pingTimeoutTimer as NodeJS.Timeout);
      engine.setPing = () => {};
      engine.onHeartbeat = () => {};
      const started = Date.now();
      const serverSide = waitFor(socket, 'disconnect', 3000);
      const clientSide = waitFor(client, 'disconnect', 3000);
      const [reason] = await serverSide;
      const elapsed = Date.now() - started;
      return { reason, client: (await clientSide)[0], inTime: elapsed >= 150 && elapsed < 900 };
    });
  });

  it.each(TRANSPORT_MODES)('volatile, compress, and namespaced binary both ways (%s)', async (mode) => {
    await sameOnBoth(async (kind) => {
      const { io, url } = await startV2Server(kind);
      const connection = nextConnection(io.of('/bin'));
      const client = await v2Connected(`${url}/bin`, mode as TransportMode);
      const socket = await connection;
      const log = recordV2(client, ['v', 'c', 'end']);
      socket.volatile.emit('v', 1);
      socket.compress(false).emit('c', { b: Buffer.from([1]) });
      io.of('/bin').volatile.emit('v', 2);
      io.of('/bin').compress(false).emit('c', 3);
      socket.emit('end');
      await waitFor(client, 'end');
      socket.on('bin', (...args: unknown[]) => {
        const ack = args.pop() as (...a: unknown[]) => void;
        ack(args, Buffer.from([7, 7]));
      });
      const answer = await new Promise((resolve) =>
        client.emit('bin', { x: [Buffer.from([1, 2])] }, 'y', (...a: unknown[]) => resolve(a)),
      );
      const fromClient = await new Promise((resolve) => {
        client.once('q', (a: never, ack: never) => (ack as (...x: unknown[]) => void)(Buffer.from([3]), { n: a }));
        socket.emit('q', 5, (...a: unknown[]) => resolve(a));
      });
      return { log, answer: JSON.stringify(answer), fromClient: JSON.stringify(fromClient) };
    });
  });

  it('server ack timeout to a v2 client that does not answer, and a late answer', async () => {
    await sameOnBoth(async (kind) => {
      const { io, url } = await startV2Server(kind);
      const connection = nextConnection(io);
      const client = await v2Connected(url, 'websocket');
      const socket = await connection;
      let late: (() => void) | undefined;
      client.on('slow', (ack: never) => {
        late = ack;
      });
      const result = await new Promise((resolve) =>
        socket.timeout(100).emit('slow', (err: Error | null, ...a: unknown[]) => resolve([err?.message, a])),
      );
      late?.();
      const roundTrip = await new Promise((resolve) => {
        client.once('again', (ack: never) => (ack as (x: number) => void)(1));
        socket.timeout(2000).emit('again', (err: Error | null, x: number) => resolve([err?.message, x]));
      });
      return { result, roundTrip };
    });
  });

  it('allowRequest refusing a v2 handshake', async () => {
    await sameOnBoth(async (kind) => {
      const { url } = await startV2Server(kind, {
        allowRequest: (_req: unknown, cb: (code: number | null, ok: boolean) => void) => cb(null, false),
      });
      const out: unknown[] = [];
      for (const mode of ['polling', 'websocket'] as const) {
        const client = v2Client(url, mode);
        const [err] = (await waitFor(client, 'connect_error', 3000)) as [
          { message: string; type?: string; description?: unknown },
        ];
        out.push({ message: err.message, type: err.type, description: String(err.description) });
      }
      return out;
    });
  });

  it.each(['polling', 'upgrade'] as const)(
    'text with astral characters and many packets in one v3 payload (%s)',
    async (mode) => {
      await sameOnBoth(async (kind) => {
        const { io, url } = await startV2Server(kind);
        const connection = nextConnection(io);
        const client = await v2Connected(url, mode);
        const socket = await connection;
        const text = '😀 a\u2028b 𝄞 é \ud83d';
        const got: unknown[] = [];
        socket.on('t', (...args: unknown[]) => got.push(args));
        const ended = waitFor(socket, 'end');
        for (let i = 0; i < 5; i++) client.emit('t', text, i, Buffer.from([i]));
        client.emit('end');
        await ended;
        const log = recordV2(client, ['t', 'end']);
        for (let i = 0; i < 5; i++) socket.emit('t', text, i);
        socket.emit('end');
        await waitFor(client, 'end');
        return { got: JSON.stringify(got), log };
      });
    },
  );

  it('a namespace query given to manager.socket() is auth, not engine query', async () => {
    await sameOnBoth(async (kind) => {
      const { io, url } = await startV2Server(kind);
      const connection = nextConnection(io.of('/q'));
      const main = v2Client(url, 'websocket');
      await waitFor(main, 'connect');
      const manager = main.io as unknown as { socket(nsp: string, o: unknown): V2Socket & { open(): void } };
      const q = manager.socket('/q', { query: { a: '1', b: 'x y' } });
      q.open();
      const socket = await connection;
      await waitFor(q, 'connect').catch(() => {});
      return {
        auth: { ...socket.handshake.auth },
        query: 'a' in socket.handshake.query,
        id: socket.id === q.id,
      };
    });
  });

  it('engine heartbeat events the application can listen to', async () => {
    await sameOnBoth(async (kind) => {
      const { io, url } = await startV2Server(kind, { pingInterval: 100, pingTimeout: 1000 });
      const engine = waitFor(io.engine, 'connection');
      await v2Connected(url, 'websocket');
      const [conn] = (await engine) as [AnyIo];
      const seen: string[] = [];
      conn.on('packet', (p: { type: string; data?: unknown }) => seen.push(`in ${p.type} ${p.data ?? ''}`));
      conn.on('packetCreate', (p: { type: string; data?: unknown }) => seen.push(`out ${p.type} ${p.data ?? ''}`));
      conn.on('heartbeat', () => seen.push('heartbeat'));
      await waitFor(conn, 'heartbeat', 3000);
      await waitFor(conn, 'heartbeat', 3000);
      return seen.slice(0, 6);
    });
  });

  it.each(['polling', 'websocket'] as const)('connection state recovery on, with a v2 client (%s)', async (mode) => {
    await sameOnBoth(async (kind) => {
      const { io, url } = await startV2Server(kind, { connectionStateRecovery: {} });
      const connection = nextConnection(io.of('/admin'));
      const client = await v2Connected(`${url}/admin?x=1`, mode);
      const socket = await connection;
      const log = recordV2(client, ['news', 'end']);
      io.of('/admin').emit('news', 1);
      socket.emit('news', 2);
      io.of('/admin').to(socket.id).emit('news', 3);
      socket.emit('end');
      await waitFor(client, 'end');
      const offsets = log.map((entry) => entry.split(',').length);
      return {
        offsets,
        recovered: socket.recovered,
        auth: { ...socket.handshake.auth },
        idIsLegacy: socket.id === `/admin#${client.io.engine.id}`,
      };
    });
  });

  it('maxHttpBufferSize against a v2 client (polling and websocket)', async () => {
    await sameOnBoth(async (kind) => {
      const { io, url } = await startV2Server(kind, { maxHttpBufferSize: 200 });
      const out: unknown[] = [];
      for (const mode of ['polling', 'websocket'] as const) {
        const connection = nextConnection(io);
        const client = await v2Connected(url, mode);
        const socket = await connection;
        const serverSide = waitFor(socket, 'disconnect', 5000).then(([r]) => r);
        const clientSide = waitFor(client, 'disconnect', 5000).then(([r]) => r);
        client.emit('big', 'x'.repeat(500));
        out.push(mode, await serverSide.catch(String), await clientSide.catch(String));
      }
      return out;
    });
  });
});
