/**
 * The bound on what a session holds for a peer that does not read (`maxBufferedBytes`): past it
 * the session closes with 'send buffer full' and its queue is freed, on every transport; other
 * sessions are unaffected, and healthy sessions receiving large bursts are never closed.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket as NetSocket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { prepareMessage, type Server, type Socket } from '../../src/engine/index.js';
import { until, waitFor, within } from '../support/wait.js';
import { onCleanup } from './cleanup.js';
import { nextConnection, pollingSession, startEngine, type TestEngine } from './helpers.js';
import { http, rawWebSocket } from './raw-clients.js';

const CAP = 1024 * 1024;

/**
 * Opens a session over a raw TCP connection and then stops reading it: the server's writes fill
 * the kernel buffers, then the socket's, then the session's queue.
 */
async function stalledPeer(test: TestEngine, transport: 'websocket' | 'sse'): Promise<Socket> {
  const connection = nextConnection(test.engine);
  const socket: NetSocket = connect(test.port, '127.0.0.1');
  socket.on('error', () => {});
  onCleanup(() => socket.destroy());
  const path = `/engine.io/?EIO=4&transport=${transport}`;
  socket.write(
    transport === 'websocket'
      ? `GET ${path} HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`
      : `GET ${path} HTTP/1.1\r\nHost: localhost\r\n\r\n`,
  );
  await within(waitFor(socket, 'data'), 5000, 'the handshake response');
  socket.pause();
  return connection;
}

/** Broadcasts `bytesPerTick` every 10 ms (about 2.5 MB/s with 25 KB) to every session until stopped. */
function broadcast(engine: Server, bytesPerTick: number): { stop(): void; ticks(): number } {
  let ticks = 0;
  const timer = setInterval(() => {
    const message = prepareMessage(`${ticks++}:${'m'.repeat(bytesPerTick)}`);
    for (const session of Object.values(engine.clients)) session.sendPrepared(message);
  }, 10);
  onCleanup(() => clearInterval(timer));
  return { stop: () => clearInterval(timer), ticks: () => ticks };
}

function heapAndBuffers(): number {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

describe('maxBufferedBytes', () => {
  it('closes a WebSocket peer that never reads, freeing its queue; a reading peer is unaffected', async () => {
    const test = await startEngine({ maxBufferedBytes: CAP, pingInterval: 60_000, pingTimeout: 60_000 });
    const stalled = await stalledPeer(test, 'websocket');
    const healthyConnection = nextConnection(test.engine);
    const healthy = await rawWebSocket(test.url({ EIO: '4', transport: 'websocket' }));
    const healthySession = await healthyConnection;
    let healthyMessages = 0;
    healthy.ws.on('message', () => healthyMessages++);
    const drains: Socket[] = [];
    test.engine.on('drain', (session: Socket) => drains.push(session));

    const closed = waitFor<[string, Error]>(stalled, 'close', 15_000);
    const before = heapAndBuffers();
    let highest = 0;
    const sampler = setInterval(() => {
      highest = Math.max(highest, stalled.bufferedBytes);
    }, 5);
    onCleanup(() => clearInterval(sampler));
    const sender = broadcast(test.engine, 25_000);
    const [reason, error] = await closed;
    clearInterval(sampler);
    expect(reason).toBe('send buffer full');
    expect(error).toMatchObject({ name: 'SendBufferFullError', code: 'SEND_BUFFER_FULL', limit: CAP });
    expect(stalled.bufferedBytes).toBe(0);
    expect(stalled.id in test.engine.clients).toBe(false);
    // Queue + socket buffer: the cap, one more message and one flush already in the socket.
    expect(highest).toBeLessThan(3 * CAP);

    // The broadcast goes on to the reading peer, which keeps up and stays open.
    const ticksAtClose = sender.ticks();
    await until(() => sender.ticks() >= ticksAtClose + 50, 15_000, 'more broadcasts');
    sender.stop();
    expect(healthySession.readyState).toBe('open');
    expect(healthySession.bufferedBytes).toBeLessThan(CAP);
    expect(healthyMessages).toBeGreaterThan(ticksAtClose);
    expect(drains).toContain(healthySession);
    // Whatever the stalled peer cost is gone with it: far below what the broadcast sent (>2.5 MB).
    expect(heapAndBuffers() - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('closes an SSE peer that never reads', async () => {
    const test = await startEngine({ maxBufferedBytes: CAP, pingInterval: 60_000, pingTimeout: 60_000 });
    const stalled = await stalledPeer(test, 'sse');
    const closed = waitFor<[string]>(stalled, 'close', 15_000);
    broadcast(test.engine, 25_000);
    expect((await closed)[0]).toBe('send buffer full');
    expect(stalled.bufferedBytes).toBe(0);
  });

  it('closes a polling session whose client stopped polling, not one that keeps polling', async () => {
    const test = await startEngine({ maxBufferedBytes: CAP, pingInterval: 60_000, pingTimeout: 60_000 });
    const stopped = await pollingSession(test);
    const polling = await pollingSession(test);
    let polls = 0;
    let running = true;
    const poll = async () => {
      while (running && polling.socket.readyState === 'open') {
        await http(polling.url);
        polls++;
      }
    };
    const poller = poll();
    const closed = waitFor<[string]>(stopped.socket, 'close', 15_000);
    const sender = broadcast(test.engine, 25_000);
    expect((await closed)[0]).toBe('send buffer full');
    const ticksAtClose = sender.ticks();
    await until(() => sender.ticks() >= ticksAtClose + 20, 15_000, 'more broadcasts');
    sender.stop();
    running = false;
    expect(polling.socket.readyState).toBe('open');
    expect(polls).toBeGreaterThan(0);
    // Release the poller's parked GET.
    polling.socket.close(true);
    await within(poller, 10_000, 'the poller to stop');
  });

  it('never closes a reading peer for a burst larger than the cap, nor for one message larger than it', async () => {
    const test = await startEngine({
      maxBufferedBytes: CAP,
      maxHttpBufferSize: 1e7,
      pingInterval: 60_000,
      pingTimeout: 60_000,
    });
    const connection = nextConnection(test.engine);
    const client = await rawWebSocket(test.url({ EIO: '4', transport: 'websocket' }));
    const session = await connection;
    await client.next();
    let received = 0;
    let bytes = 0;
    const all = new Promise<void>((resolve) =>
      client.ws.on('message', (data: Buffer) => {
        received++;
        bytes += data.length;
        if (received === 21) resolve();
      }),
    );
    // One turn: 20 × 256 KB (5 MB), then a single 3 MB message while those are still being written.
    for (let i = 0; i < 20; i++) session.send('a'.repeat(256 * 1024));
    setImmediate(() => session.send('z'.repeat(3 * CAP)));
    await within(all, 20_000, 'the burst');
    expect(session.readyState).toBe('open');
    expect(bytes).toBeGreaterThan(8 * CAP);
  });
});
