/**
 * What an application sees of the Server / Namespace / Socket API in scenarios where Parley once
 * differed from the official socket.io server, asserted against both in the same scenario: the
 * official behaviour is the spec.
 */
import { Adapter as OfficialAdapter } from 'socket.io-adapter';
import { type Socket as ClientSocket, io as ioc } from 'socket.io-client';
import { describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { InMemoryAdapter } from '../src/index.js';
import { IMPLEMENTATIONS, onTeardown, startSideBySide } from './support/side-by-side.js';
import { waitFor, within } from './support/wait.js';

// biome-ignore lint/suspicious/noExplicitAny: the same scenario drives two server implementations
type AnySocket = any;

function clientOf(url: string, transports: string[] = ['websocket']): ClientSocket {
  const socket = ioc(url, { transports, forceNew: true, reconnection: false });
  onTeardown(() => socket.disconnect());
  return socket;
}

// biome-ignore lint/suspicious/noExplicitAny: the same scenario drives two server implementations
async function nextSocket(io: any): Promise<AnySocket> {
  const [socket] = await waitFor(io, 'connection');
  return socket;
}

/** An adapter that answers every serverSideEmit with a timeout and the one response that "arrived". */
function timingOutAdapter(base: typeof InMemoryAdapter | typeof OfficialAdapter) {
  return class extends (base as typeof InMemoryAdapter) {
    override serverSideEmit(packet: unknown[]): void {
      const ack = packet[packet.length - 1] as (err: Error | null, responses: unknown[]) => void;
      ack(new Error('operation has timed out'), ['from the server that answered']);
    }
  };
}

describe.each(IMPLEMENTATIONS)('%s', (name, factory) => {
  it('socket.handshake.query is an ordinary object, with the last value of a repeated key', async () => {
    const { io, port } = await startSideBySide(factory);
    const connection = nextSocket(io);
    const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket&room=a&room=b&x=%20y`);
    onTeardown(() => ws.terminate());
    ws.on('message', (data) => {
      if (String(data).startsWith('0')) ws.send('40');
    });
    const { query } = (await connection).handshake;
    expect(Object.getPrototypeOf(query)).toBe(Object.prototype);
    // Applications call it on the query; a prototype-less object has none.
    expect(Object.hasOwn(query, 'room')).toBe(true);
    expect({ ...query }).toEqual({ EIO: '4', transport: 'websocket', room: 'b', x: ' y' });
  });

  it('a middleware may replace socket.handshake; handlers and fetchSockets see the new object', async () => {
    const { io, url } = await startSideBySide(factory);
    io.use((socket: AnySocket, next: () => void) => {
      socket.handshake = { ...socket.handshake, user: 'ada' };
      next();
    });
    const connection = nextSocket(io);
    clientOf(url);
    expect((await connection).handshake.user).toBe('ada');
    const [fetched] = await io.fetchSockets();
    expect(fetched.handshake.user).toBe('ada');
  });

  it('a timed-out io.timeout(ms).emitWithAck rejects with the answers that arrived as err.responses', async () => {
    const { io, url } = await startSideBySide(factory);
    const answering = clientOf(url);
    const silent = clientOf(url);
    answering.on('question', (ack: (answer: string) => void) => ack('yes'));
    silent.on('question', () => {});
    await Promise.all([waitFor(answering, 'connect'), waitFor(silent, 'connect')]);
    const err = await io
      .timeout(300)
      .emitWithAck('question')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(String(err)).toBe('Error: operation has timed out');
    expect((err as { responses?: unknown }).responses).toEqual(['yes']);
  });

  it('an acknowledged broadcast without timeout() times out at once, unless it reaches no client', async () => {
    const { io, url } = await startSideBySide(factory);
    const empty = await within(
      new Promise<unknown[]>((resolve) => io.to('nobody').emit('question', (...args: unknown[]) => resolve(args))),
      5000,
      'the empty broadcast',
    );
    expect(empty).toEqual([null, []]);
    const client = clientOf(url);
    // The answer comes 20 ms late: after the timer with no delay, whatever the machine's speed.
    const answered = new Promise<void>((resolve) =>
      client.on('question', (ack: (answer: string) => void) =>
        setTimeout(() => {
          ack('late');
          resolve();
        }, 20),
      ),
    );
    await waitFor(client, 'connect');
    const calls: unknown[][] = [];
    io.emit('question', (...args: unknown[]) => calls.push(args));
    await within(answered, 5000, 'the client to answer');
    // The answer's round trip, and a turn more: it changes nothing.
    const [serverSocket] = await io.fetchSockets();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls).toHaveLength(1);
    expect(String(calls[0][0])).toBe('Error: operation has timed out');
    expect(calls[0][1]).toEqual([]);
    // Nothing is left waiting on the socket.
    expect(io.sockets.sockets.get(serverSocket.id).acks.size).toBe(0);
  });

  it('serverSideEmitWithAck rejects with the answers that arrived as err.responses', async () => {
    const adapter = timingOutAdapter(name === 'parley' ? InMemoryAdapter : OfficialAdapter);
    const { io } = await startSideBySide(factory, { adapter });
    const err = await within(
      io.serverSideEmitWithAck('census').catch((e: unknown) => e),
      5000,
      'the rejection',
    );
    expect((err as Error).message).toBe('operation has timed out');
    expect((err as { responses?: unknown }).responses).toEqual(['from the server that answered']);
  });

  it('serverSideEmit refuses the names a namespace reserves, and only those', async () => {
    const { io } = await startSideBySide(factory);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      for (const event of ['connect', 'connection', 'new_namespace']) {
        let thrown: unknown;
        try {
          io.serverSideEmit(event);
        } catch (err) {
          thrown = err;
        }
        // A plain Error's name, as socket.io throws.
        expect(String(thrown)).toBe(`Error: "${event}" is a reserved event name`);
      }
      // Reserved for sockets, not for server-side events.
      for (const event of ['disconnect', 'disconnecting', 'connect_error', 'newListener', 'removeListener']) {
        expect(io.serverSideEmit(event)).toBe(true);
        expect(io.of('/orders').serverSideEmit(event)).toBe(true);
      }
    } finally {
      warn.mockRestore();
    }
  });

  it('io.adapter() gives the adapter class in use when none was set, with or without recovery', async () => {
    for (const options of [{}, { connectionStateRecovery: {} }]) {
      const { io } = await startSideBySide(factory, options);
      const Adapter = io.adapter();
      expect(typeof Adapter).toBe('function');
      expect(io.of('/').adapter).toBeInstanceOf(Adapter);
    }
  });

  it('reports an event a socket.use middleware refuses after the listeners of the events before it', async () => {
    const { io, port } = await startSideBySide(factory);
    const seen: string[] = [];
    const connection = nextSocket(io);
    // Raw long-polling, so that the three events travel in one POST: one batch.
    const base = `http://127.0.0.1:${port}/socket.io/?EIO=4&transport=polling`;
    const open = await (await fetch(base)).text();
    const session = `${base}&sid=${(JSON.parse(open.slice(1)) as { sid: string }).sid}`;
    await fetch(session, { method: 'POST', body: '40' });
    const socket: AnySocket = await connection;
    socket.use(([event]: [string], next: (err?: Error) => void) => {
      seen.push(`middleware ${event}`);
      next(event === 'refused' ? new Error('not allowed') : undefined);
    });
    socket.on('error', (err: Error) => seen.push(`error ${err.message}`));
    socket.on('first', () => seen.push('listener first'));
    socket.on('third', () => seen.push('listener third'));
    const third = waitFor(socket, 'third');
    await fetch(session, { method: 'POST', body: '42["first"]\x1e42["refused"]\x1e42["third"]' });
    await third;
    expect(seen).toEqual([
      'middleware first',
      'middleware refused',
      'middleware third',
      'listener first',
      'error not allowed',
      'listener third',
    ]);
  });

  it.each([
    ['polling', false],
    ['websocket', false],
    ['polling', true],
    ['websocket', true],
  ])(
    'req._query over %s (engine middleware: %s): allowRequest, middlewares and socket.request see it',
    async (transport, withMiddleware) => {
      const seen: Record<string, unknown> = {};
      const { io, url } = await startSideBySide(factory, {
        allowRequest: (req: { _query?: Record<string, string> }, callback: (err: null, ok: boolean) => void) => {
          seen.allowRequest = req._query?.token;
          callback(null, true);
        },
      });
      if (withMiddleware) {
        io.engine.use((req: { _query?: Record<string, string> }, _res: unknown, next: () => void) => {
          seen.middleware = req._query?.token;
          next();
        });
      }
      const connection = nextSocket(io);
      const socket = ioc(`${url}?token=t1&token=t2`, { transports: [transport], forceNew: true, reconnection: false });
      onTeardown(() => socket.disconnect());
      const server = await connection;
      const query = server.request._query;
      expect(seen).toEqual({ allowRequest: 't2', ...(withMiddleware && { middleware: 't2' }) });
      expect(Object.getPrototypeOf(query)).toBe(Object.prototype);
      expect(query).toMatchObject({ EIO: '4', transport, token: 't2' });
      expect(server.handshake.query).toBe(query);
    },
  );

  it.each([
    ['polling', 'an event for a namespace it never joined', '2/nope,["x"]'],
    ['polling', 'a second CONNECT', '0'],
    ['websocket', 'an event for a namespace it never joined', '2/nope,["x"]'],
    ['websocket', 'a second CONNECT', '0'],
  ])('a %s client sending %s is dropped, its sockets hearing the engine reason', async (transport, _what, packet) => {
    const { io, url } = await startSideBySide(factory);
    const connection = nextSocket(io);
    const client = clientOf(url, [transport]);
    const socket = await connection;
    await waitFor(client, 'connect');
    const reason = waitFor(socket, 'disconnect');
    (client.io.engine as unknown as { write(data: string): void }).write(packet);
    expect((await within(reason, 2000, 'the disconnect'))[0]).toBe('forced close');
  });

  it.each(['polling', 'websocket'])(
    'socket.conn message listeners added on connection hear the packets after the CONNECT (%s)',
    async (transport) => {
      const { io, url } = await startSideBySide(factory);
      const heard: unknown[] = [];
      io.on('connection', (socket: AnySocket) => {
        socket.conn.on('message', (data: unknown) => heard.push(['message', data]));
        socket.conn.on('data', (data: unknown) => heard.push(['data', data]));
      });
      const connection = nextSocket(io);
      const client = clientOf(url, [transport]);
      const socket = await connection;
      const hello = waitFor(socket, 'hello');
      client.emit('hello', 1);
      await within(hello, 2000, 'the event');
      expect(heard).toEqual([
        ['data', '2["hello",1]'],
        ['message', '2["hello",1]'],
      ]);
    },
  );
});
