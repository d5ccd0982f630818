/**
 * What an application reads off the objects the client hands it: transport error fields
 * (`message`, `type`, `description`, `context`), `socket.recovered`, `sendBuffer` entries,
 * `manager.uri`, the Manager's 'close' events when an inactive socket is disconnected, and what a
 * listener that throws does to the connection. Each scenario runs with both clients;
 * socket.io-client's values are the spec.
 */
import { describe, expect, it } from 'vitest';
import type { Socket, TransportError, TransportName } from '../src/index.js';
import { type ClientOptions, clients } from './clients.js';
import { socketIoServer, type TestServer, until, waitFor } from './helpers.js';
import { closedAfterEach } from './per-test-fixture.js';

/** The fields a `connect_error` / `disconnect` handler typically reads off a transport error. */
function fields(error: TransportError): Record<string, unknown> {
  return { message: error.message, type: error.type, description: error.description, hasContext: 'context' in error };
}

/**
 * Runs `scenario` with uncaught exceptions collected instead of failing the run: both clients
 * report a listener's exception as uncaught (they hand packets over on a tick of their own).
 */
async function collectingUncaught(scenario: (errors: Error[]) => Promise<void>): Promise<void> {
  const saved = process.listeners('uncaughtException');
  const errors: Error[] = [];
  const collect = (error: Error) => errors.push(error);
  process.removeAllListeners('uncaughtException');
  process.on('uncaughtException', collect);
  try {
    await scenario(errors);
  } finally {
    process.off('uncaughtException', collect);
    for (const listener of saved) process.on('uncaughtException', listener);
  }
}

/** A URL nothing listens on: a server started, then closed. */
async function unreachableUrl(fixture: ReturnType<typeof closedAfterEach>['fixture']): Promise<string> {
  const server = await fixture.server();
  await server.close();
  return server.url;
}

for (const client of clients) {
  describe(`observable state [${client.name}]`, () => {
    const { fixture, sockets } = closedAfterEach(socketIoServer);
    const open = (server: TestServer | string, options: ClientOptions = {}): Socket =>
      sockets.open(client, typeof server === 'string' ? server : server.url, options);

    it('reports a refused POST as "xhr post error" with the HTTP status', async () => {
      const server = await fixture.server({ maxHttpBufferSize: 1000 });
      const socket = open(server, { transports: ['polling'], reconnection: false });
      await waitFor(socket, 'connect');
      socket.emit('big', 'x'.repeat(5000));
      const [reason, error] = await waitFor<[string, TransportError]>(socket, 'disconnect');
      expect(reason).toBe('transport error');
      expect(fields(error)).toEqual({
        message: 'xhr post error',
        type: 'TransportError',
        description: 413,
        hasContext: true,
      });
      expect(error.context).toBeTruthy();
    });

    const unreachable: [TransportName[], Record<string, unknown>][] = [
      [['polling'], { message: 'xhr poll error', type: 'TransportError', description: 0, hasContext: true }],
      [['websocket'], { message: 'websocket error', type: 'TransportError', hasContext: true }],
    ];
    for (const [transports, expected] of unreachable) {
      it(`reports an unreachable server over ${transports} with socket.io-client's fields`, async () => {
        const socket = open(await unreachableUrl(fixture), { transports, reconnection: false });
        const [error] = await waitFor<[TransportError]>(socket, 'connect_error');
        expect(fields(error)).toMatchObject(expected);
      });
    }

    it('leaves recovered undefined when the server offers no recovery, false on a first recovery session', async () => {
      const plain = open(await fixture.server());
      await waitFor(plain, 'connect');
      expect(plain.recovered).toBeUndefined();
      const withRecovery = open(await fixture.server({ connectionStateRecovery: {} }));
      await waitFor(withRecovery, 'connect');
      expect(withRecovery.recovered).toBe(false);
    });

    it('keeps sendBuffer entries without a namespace, with their compress flag and ack id', async () => {
      const server = await fixture.server();
      server.io.of('/admin');
      const socket = open(`${server.url}/admin`, { autoConnect: false });
      socket.emit('plain', 1);
      socket.compress(false).emit('acked', 2, () => {});
      expect(socket.sendBuffer).toEqual([
        { type: 2, data: ['plain', 1], options: { compress: true } },
        { type: 2, data: ['acked', 2], options: { compress: false }, id: 0 },
      ]);
    });

    it('keeps an absolute URL in manager.uri as given', () => {
      for (const url of ['http://127.0.0.1:3999', 'https://example.com:443/admin', 'http://127.0.0.1:80/x?a=1']) {
        expect(open(url, { autoConnect: false }).io.uri).toBe(url);
      }
    });

    it('closes the Manager again when a refused (inactive) socket is disconnected', async () => {
      const server = await fixture.server();
      server.io.use((_socket, next) => next(new Error('refused')));
      const socket = open(server);
      const closes: string[] = [];
      socket.io.on('close', (reason) => closes.push(reason));
      await waitFor(socket, 'connect_error');
      expect(socket.active).toBe(false);
      expect(closes).toEqual(['forced close']);
      socket.disconnect();
      expect(closes).toEqual(['forced close', 'forced close']);
    });

    for (const transports of [['polling'], ['websocket']] as TransportName[][]) {
      it(`keeps delivering after a listener throws [${transports}]`, async () => {
        const server = await fixture.server();
        server.io.on('connection', (s) =>
          s.on('go', (ack: () => void) => {
            s.emit('first', 1);
            s.emit('second', 2);
            ack();
          }),
        );
        const socket = open(server, { transports, upgrade: false });
        await waitFor(socket, 'connect');
        const received: string[] = [];
        socket.on('first', () => {
          received.push('first');
          throw new Error('a bug in a listener');
        });
        socket.on('second', () => received.push('second'));
        await collectingUncaught(async (errors) => {
          await socket.timeout(5000).emitWithAck('go');
          await until(() => received.length === 2, 5000, 'both events');
          // the connection still works: another round trip, both events again
          await socket.timeout(5000).emitWithAck('go');
          await until(() => received.length === 4, 5000, 'both events again');
          expect(errors.map((error) => error.message)).toEqual(['a bug in a listener', 'a bug in a listener']);
        });
        expect(received).toEqual(['first', 'second', 'first', 'second']);
        expect(socket.connected).toBe(true);
      });
    }
  });
}
