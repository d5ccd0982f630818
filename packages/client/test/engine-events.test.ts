/**
 * The engine handle's (`socket.io.engine`) events and state, side by side with engine.io-client,
 * which is the spec: after each received packet, `packet` then `heartbeat`, then what the packet
 * means ('handshake' with the parsed open packet, then 'open'; 'ping' then 'pong'; 'data' then
 * 'message'); `upgrading` and `writeBuffer` as apps read them; and the `close` event's
 * arguments with the state a close listener sees, for each way a session ends.
 */
import type { Socket as ServerSocket } from 'socket.io';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Engine, HandshakeData, Socket } from '../src/index.js';
import { type ClientOptions, clients } from './clients.js';
import { socketIoServer, type TestServer, transportModes, until, waitFor } from './helpers.js';
import { closedAfterEach } from './per-test-fixture.js';

type Logged = [event: string, ...args: unknown[]];
type Packet = { type: string; data?: unknown };

/** The events engine.io-client fires for one received packet, after `packet` itself. */
function eventsFor(packet: Packet): Logged[] {
  const events: Logged[] = [['packet', packet.type], ['heartbeat']];
  if (packet.type === 'open') events.push(['handshake', JSON.parse(packet.data as string)], ['open']);
  if (packet.type === 'ping') events.push(['ping'], ['pong']);
  if (packet.type === 'message') events.push(['data', packet.data], ['message', packet.data]);
  return events;
}

/** A close event's details as the test compares them: an error's fields, a close event's class. */
function shown(details: unknown): unknown {
  if (details === undefined) return undefined;
  const { message, type, description, context } = details as Error & {
    type?: string;
    description?: unknown;
    context?: object;
  };
  if (details instanceof Error) return { message, type, description };
  return context ? { description, context: context.constructor.name } : { description };
}

/** A socket not yet connected, whose engine exists, so that listeners see the handshake. */
function engineOf(socket: Socket): Engine {
  socket.connect();
  return socket.io.engine as Engine;
}

for (const client of clients) {
  describe(`engine events [${client.name}]`, () => {
    const { fixture, sockets } = closedAfterEach(socketIoServer);
    const open = (server: TestServer, options: ClientOptions): Socket =>
      sockets.open(client, server.url, { autoConnect: false, reconnection: false, ...options });

    const echoServer = async (options = {}) => {
      const server = await fixture.server({ pingInterval: 100, pingTimeout: 5000, ...options });
      server.io.on('connection', (s) => s.on('echo', (value: unknown) => s.emit('echoed', value)));
      return server;
    };

    for (const mode of transportModes) {
      it(`fires packet, heartbeat, then handshake/open, ping/pong or data/message for each packet [${mode.name}]`, async () => {
        const server = await echoServer();
        const socket = open(server, mode.options);
        const engine = engineOf(socket);
        const log: Logged[] = [];
        const packets: Packet[] = [];
        let atHandshake: unknown;
        engine.on('packet', (packet) => {
          packets.push({ ...packet });
          log.push(['packet', packet.type]);
        });
        engine.on('heartbeat', () => log.push(['heartbeat']));
        engine.on('handshake', (data) => {
          expectTypeOf(data).toEqualTypeOf<HandshakeData>();
          atHandshake = { readyState: engine.readyState, id: engine.id };
          log.push(['handshake', data]);
        });
        engine.on('open', () => log.push(['open']));
        engine.on('ping', () => log.push(['ping']));
        engine.on('pong', () => log.push(['pong']));
        engine.on('data', (data) => {
          expectTypeOf(data).toEqualTypeOf<string | Uint8Array | ArrayBuffer>();
          log.push(['data', data]);
        });
        engine.on('message', (data) => log.push(['message', data]));
        await waitFor(socket, 'connect');
        const echoed = waitFor(socket, 'echoed');
        socket.emit('echo', 1);
        await echoed;
        await until(() => packets.some((p) => p.type === 'ping'), 5000, 'a ping');
        expect(packets.filter((p) => p.type === 'message').length).toBeGreaterThanOrEqual(2);
        expect(log).toEqual(packets.flatMap(eventsFor));
        // engine.io-client emits the handshake before it takes the session id
        expect(atHandshake).toEqual({ readyState: 'opening', id: undefined });
      });
    }

    it('sets upgrading from the probe pong until after the upgrade event', async () => {
      const server = await echoServer({ pingInterval: 25000 });
      const socket = open(server, {});
      const engine = engineOf(socket);
      const seen: [string, boolean | undefined][] = [['start', engine.upgrading]];
      engine.on('upgrading', () => seen.push(['upgrading', engine.upgrading]));
      engine.on('upgrade', () => seen.push(['upgrade', engine.upgrading]));
      await waitFor(engine, 'upgrade');
      seen.push(['after', engine.upgrading]);
      expect(seen).toEqual([
        ['start', undefined],
        ['upgrading', true],
        ['upgrade', true],
        ['after', false],
      ]);
    });

    it("close() from an 'upgrade' listener (still upgrading) lets what is queued drain first", async () => {
      const server = await echoServer({ pingInterval: 25000 });
      const socket = open(server, {});
      const engine = engineOf(socket);
      const seen: unknown[] = [];
      engine.on('upgrade', () => {
        engine.send('42["bye"]');
        engine.close();
        seen.push([engine.readyState, engine.writeBuffer.length]);
      });
      engine.on('close', (reason) => seen.push([reason, engine.writeBuffer.length]));
      await waitFor(engine, 'close');
      expect(seen).toEqual([
        ['closing', 1],
        ['forced close', 0],
      ]);
    });

    it('keeps sent packets in writeBuffer until their batch has drained', async () => {
      // a long ping interval: no pong may join the batches
      const server = await echoServer({ pingInterval: 25000 });
      const socket = open(server, { transports: ['polling'], upgrade: false });
      const engine = engineOf(socket);
      await waitFor(socket, 'connect');
      const seen: [string, number][] = [];
      engine.on('flush', () => seen.push(['flush', engine.writeBuffer.length]));
      engine.on('drain', () => seen.push(['drain', engine.writeBuffer.length]));
      const drained = waitFor(engine, 'drain');
      socket.emit('echo', 1);
      socket.emit('echo', 2);
      socket.emit('echo', 3);
      expect(engine.writeBuffer.map((packet) => packet.data)).toEqual(['2["echo",1]', '2["echo",2]', '2["echo",3]']);
      await drained;
      expect(seen).toEqual([
        ['flush', 1],
        ['flush', 2],
        ['drain', 0],
      ]);
    });

    /** How each way of ending a session is brought about, and the close event's arguments. */
    const endings: {
      name: string;
      server?: Record<string, unknown>;
      end: (serverSocket: ServerSocket, engine: Engine, server: TestServer) => void;
      expected: Record<string, unknown[]>;
    }[] = [
      {
        name: 'client close',
        end: (_s, engine) => engine.close(),
        expected: { websocket: ['forced close', undefined], polling: ['forced close', undefined] },
      },
      {
        name: 'server close',
        end: (s) => s.conn.close(),
        expected: {
          websocket: ['transport close', { description: 'websocket connection closed', context: 'CloseEvent' }],
          polling: ['transport close', { description: 'transport closed by the server' }],
        },
      },
      {
        name: 'ping timeout',
        server: { pingInterval: 50, pingTimeout: 50 },
        // the server stops pinging (socket.io's engine arms no timeout of its own until it pings)
        end: (s) => clearTimeout((s.conn as unknown as { pingIntervalTimer: NodeJS.Timeout }).pingIntervalTimer),
        expected: { websocket: ['ping timeout', undefined], polling: ['ping timeout', undefined] },
      },
      {
        name: 'server gone',
        end: (_s, _engine, server) => void server.close(),
        expected: {
          websocket: ['transport close', { description: 'websocket connection closed', context: 'CloseEvent' }],
          polling: ['transport error', { message: 'xhr poll error', type: 'TransportError', description: 0 }],
        },
      },
    ];

    for (const ending of endings) {
      for (const mode of transportModes.filter((m) => m.name !== 'polling+upgrade')) {
        it(`closes with engine.io-client's arguments and state on ${ending.name} [${mode.name}]`, async () => {
          const server = await fixture.server({ pingInterval: 25000, pingTimeout: 20000, ...ending.server });
          const serverSide = waitFor<[ServerSocket]>(server.io, 'connection');
          const socket = open(server, mode.options);
          const engine = engineOf(socket);
          await waitFor(socket, 'connect');
          const closed = new Promise<unknown[]>((resolve) =>
            engine.on('close', (reason, details) => {
              resolve([
                reason,
                shown(details),
                { readyState: engine.readyState, id: engine.id, transport: engine.transport.name },
              ]);
            }),
          );
          ending.end((await serverSide)[0], engine, server);
          expect(await closed).toEqual([
            ...ending.expected[mode.name],
            { readyState: 'closed', id: null, transport: mode.name },
          ]);
        });
      }
    }
  });
}
