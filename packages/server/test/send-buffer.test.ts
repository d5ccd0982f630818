/**
 * `maxBufferedBytes` seen from the Socket.IO layer: while `io.emit()` broadcasts about 2.5 MB/s,
 * a client that stopped reading is disconnected with 'send buffer full' and the others,
 * official socket.io-client sockets, keep receiving.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket as NetSocket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Socket } from '../src/index.js';
import { connected, startServer, until, waitFor } from './support/harness.js';

const stalledSockets: NetSocket[] = [];
const timers: NodeJS.Timeout[] = [];
afterEach(() => {
  for (const socket of stalledSockets.splice(0)) socket.destroy();
  for (const timer of timers.splice(0)) clearInterval(timer);
});

/** A client-to-server (masked) WebSocket text frame of a short payload. */
function maskedTextFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = randomBytes(4);
  const masked = payload.map((byte, i) => byte ^ mask[i % 4]);
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]);
}

/** Joins the main namespace over a raw WebSocket, then never reads again. */
async function stalledClient(port: number): Promise<void> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  stalledSockets.push(socket);
  socket.write(
    'GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n' +
      `Connection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n` +
      'Sec-WebSocket-Version: 13\r\n\r\n',
  );
  await waitFor(socket, 'data');
  socket.write(maskedTextFrame('40'));
  socket.pause();
}

describe('a client that stops reading', () => {
  it("is disconnected with 'send buffer full' while the others keep receiving the broadcast", async () => {
    const { io, port, url } = await startServer({ maxBufferedBytes: 1024 * 1024 });
    const joined: Socket[] = [];
    io.on('connection', (socket: Socket) => joined.push(socket));
    await stalledClient(port);
    await until(() => joined.length === 1);
    const stalled = joined[0];
    const reader = await connected(url);
    let received = 0;
    reader.on('tick', () => received++);
    const disconnected = waitFor<[string]>(stalled, 'disconnect', 15_000);
    let ticks = 0;
    const payload = 'p'.repeat(25_000);
    timers.push(setInterval(() => io.emit('tick', ticks++, payload), 10));
    expect((await disconnected)[0]).toBe('send buffer full');
    const ticksAtDisconnect = ticks;
    await waitFor(reader, 'tick');
    await until(() => received >= ticksAtDisconnect + 20, 15_000);
    expect(reader.connected).toBe(true);
    expect(io.engine.clientsCount).toBe(1);
  });
});
