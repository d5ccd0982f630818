/**
 * A server that sends something the client cannot decode, and what the application receives.
 * A Socket.IO packet: `disconnect` with 'parse error' and a plain Error in socket.io-parser's
 * words. An Engine.IO frame: `disconnect` with 'transport error' and engine.io-client's Error
 * ('server error', code 'parser error'). The server is a bare WebSocket speaking Engine.IO by
 * hand, so that it can send anything; both clients run each scenario.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { clients, OpenSockets } from './clients.js';
import { waitFor } from './helpers.js';

const HANDSHAKE = '0{"sid":"e1","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}';

/** Socket.IO messages (after the namespace is connected), and the message of the error the app gets. */
const badPackets: [string, (string | Buffer)[], string][] = [
  ['an EVENT whose data is not an array', ['2{"not":"an array"}'], 'invalid payload'],
  ['a reserved event name', ['2["connect"]'], 'invalid payload'],
  ['data that is not JSON', ['2["a"'], 'invalid payload'],
  ['a packet type that does not exist', ['9'], 'unknown packet type 9'],
  ['a packet type that is not a digit', ['x[]'], 'unknown packet type NaN'],
  ['an attachment count that is not a number', ['5x-["a"]'], 'Illegal attachments'],
  ['too many attachments', ['511-["a"]'], 'too many attachments'],
  [
    'a placeholder pointing past the attachments',
    ['51-["a",{"_placeholder":true,"num":5}]', Buffer.from([1])],
    'illegal attachments',
  ],
  ['an attachment nobody announced', [Buffer.from([1])], 'got binary data when not reconstructing a packet'],
  [
    'text while an attachment is due',
    ['51-["a",{"_placeholder":true,"num":0}]', '2["b"]'],
    'got plaintext data when reconstructing a packet',
  ],
];

for (const client of clients) {
  describe(`a packet that will not decode [${client.name}]`, () => {
    let http: HttpServer | undefined;
    let wss: WebSocketServer | undefined;
    const sockets = new OpenSockets();
    afterEach(async () => {
      sockets.closeAll();
      for (const ws of wss?.clients ?? []) ws.terminate();
      wss?.close();
      http?.closeAllConnections();
      await new Promise((resolve) => http?.close(resolve));
    });

    /**
     * A server that opens the session and connects the main namespace, then sends `frames` as they
     * are (Engine.IO frames: a Socket.IO text packet is `4` + the packet, binary goes as is).
     */
    const start = async (frames: (string | Buffer)[]) => {
      http = createServer();
      wss = new WebSocketServer({ server: http });
      wss.on('connection', (ws) => {
        ws.send(HANDSHAKE);
        ws.on('message', (data, isBinary) => {
          if (isBinary || String(data) !== '40') return;
          ws.send('40{"sid":"s1"}');
          for (const frame of frames) ws.send(frame);
        });
      });
      await new Promise<void>((resolve) => http!.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
      return sockets.open(client, url, { transports: ['websocket'], reconnection: false });
    };

    for (const [title, messages, expected] of badPackets) {
      it(`closes with "parse error" and "${expected}" on ${title}`, async () => {
        const socket = await start(messages.map((message) => (typeof message === 'string' ? `4${message}` : message)));
        const [reason, error] = await waitFor<[string, Error]>(socket, 'disconnect');
        expect(reason).toBe('parse error');
        expect(error).toBeInstanceOf(Error);
        expect(error.name).toBe('Error');
        expect(error.message).toBe(expected);
      });
    }

    for (const frame of ['x', '9abc']) {
      it(`closes with "transport error" and engine.io-client's error on the Engine.IO frame ${frame}`, async () => {
        const socket = await start([frame]);
        const [reason, error] = await waitFor<[string, Error & { code?: string }]>(socket, 'disconnect');
        expect(reason).toBe('transport error');
        expect(error).toBeInstanceOf(Error);
        expect(error.message).toBe('server error');
        expect(error.code).toBe('parser error');
      });

      // The engine hands the packets before the bad one over; the sockets hear none of them, as the
      // Manager passes packets on a tick later, after the connection closed.
      it(`over polling, the engine hands over the packets of a payload before its bad packet ${frame}`, async () => {
        // Polls: the handshake, the CONNECT answer, then two events and the bad packet in one payload.
        const answers = [HANDSHAKE, '40{"sid":"s1"}', `42["a",1]\x1e42["b",2]\x1e${frame}`];
        http = createServer((req, res) => {
          if (req.method === 'POST') {
            req.resume();
            res.end('ok');
          } else if (answers.length > 0) res.end(answers.shift());
          // later polls are held until the client goes
        });
        await new Promise<void>((resolve) => http!.listen(0, '127.0.0.1', resolve));
        const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
        const socket = sockets.open(client, url, { transports: ['polling'], reconnection: false });
        const events: unknown[] = [];
        socket.io.on('open', () =>
          socket.io.engine!.on('packet', (packet) => events.push(['packet', packet.type, packet.data])),
        );
        socket.on('a', (n: number) => events.push(['a', n]));
        socket.on('b', (n: number) => events.push(['b', n]));
        const [reason] = await waitFor<[string]>(socket, 'disconnect');
        expect([...events.slice(-3), reason]).toEqual([
          ['packet', 'message', '2["a",1]'],
          ['packet', 'message', '2["b",2]'],
          ['packet', 'error', 'parser error'],
          'transport error',
        ]);
      });

      it(`fires the engine's packet ({ type: 'error' }) and heartbeat before error and close on the frame ${frame}`, async () => {
        const socket = await start([frame]);
        const events: unknown[][] = [];
        socket.io.on('open', () => {
          const engine = socket.io.engine!;
          engine.on('packet', (packet) => events.push(['packet', packet.type, packet.data]));
          engine.on('heartbeat', () => events.push(['heartbeat']));
          engine.on('error', (error) => events.push(['error', error.message]));
          engine.on('close', (reason) => events.push(['close', reason]));
        });
        await waitFor(socket, 'disconnect');
        expect(events.slice(-4)).toEqual([
          ['packet', 'error', 'parser error'],
          ['heartbeat'],
          ['error', 'server error'],
          ['close', 'transport error'],
        ]);
      });
    }
  });
}
