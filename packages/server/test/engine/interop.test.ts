/**
 * Interoperability with the official engine.io-client: polling, WebSocket and the upgrade.
 */
import type { EventEmitter } from 'node:events';
import { Socket as ClientSocket, type SocketOptions } from 'engine.io-client';
import { describe, expect, it } from 'vitest';
import type { Socket } from '../../src/engine/index.js';
import { until, waitFor, within } from '../support/wait.js';
import { onCleanup } from './cleanup.js';
import { nextConnection, startEngine } from './helpers.js';

function connect(port: number, options: Partial<SocketOptions>): ClientSocket {
  const client = new ClientSocket(`http://127.0.0.1:${port}`, options);
  onCleanup(() => client.close());
  return client;
}

/** engine.io-client's emitter has the `once`/`off` the wait helper uses. */
function events(client: ClientSocket): EventEmitter {
  return client as unknown as EventEmitter;
}

async function exchange(client: ClientSocket, socket: Socket): Promise<void> {
  const serverReceived: Array<string | Buffer> = [];
  socket.on('message', (data: string | Buffer) => {
    serverReceived.push(data);
    socket.send(data); // echo
  });
  const clientReceived: unknown[] = [];
  const echoed = new Promise<void>((resolve) =>
    client.on('message', (data) => {
      clientReceived.push(data);
      if (clientReceived.length === 2) resolve();
    }),
  );
  client.send('hello from the client');
  client.send(new Uint8Array([1, 2, 3, 250]));
  await within(echoed, 5000, 'the echo');
  expect(serverReceived[0]).toBe('hello from the client');
  expect(serverReceived[1]).toEqual(Buffer.from([1, 2, 3, 250]));
  expect(clientReceived[0]).toBe('hello from the client');
  expect(new Uint8Array(clientReceived[1] as ArrayBuffer)).toEqual(new Uint8Array([1, 2, 3, 250]));
}

describe('engine.io-client interoperability', () => {
  it('connects over polling only and exchanges text and binary', async () => {
    const test = await startEngine();
    const connection = nextConnection(test.engine);
    const client = connect(test.port, { transports: ['polling'] });
    await waitFor(events(client), 'open');
    const socket = await connection;
    expect(socket.transport.name).toBe('polling');
    expect(client.transport.name).toBe('polling');
    await exchange(client, socket);
  });

  it('connects over WebSocket only and exchanges text and binary', async () => {
    const test = await startEngine();
    const connection = nextConnection(test.engine);
    const client = connect(test.port, { transports: ['websocket'] });
    await waitFor(events(client), 'open');
    const socket = await connection;
    expect(socket.transport.name).toBe('websocket');
    await exchange(client, socket);
  });

  it('upgrades from polling to WebSocket, then exchanges text and binary', async () => {
    const test = await startEngine();
    const connection = nextConnection(test.engine);
    const client = connect(test.port, { transports: ['polling', 'websocket'] });
    const socket = await connection;
    const [transport] = await waitFor<[{ name: string }]>(socket, 'upgrade');
    expect(transport.name).toBe('websocket');
    expect(socket.transport.name).toBe('websocket');
    expect(socket.upgraded).toBe(true);
    await until(() => client.transport.name === 'websocket');
    await exchange(client, socket);
  });

  it('exchanges large messages with compression on (HTTP gzip, permessage-deflate)', async () => {
    const test = await startEngine({ perMessageDeflate: { threshold: 0 }, httpCompression: { threshold: 0 } });
    for (const transports of [['polling'], ['websocket']] as const) {
      const connection = nextConnection(test.engine);
      const client = connect(test.port, { transports: [...transports] });
      await waitFor(events(client), 'open');
      const socket = await connection;
      const big = 'z'.repeat(50_000);
      const serverGot = waitFor<[string]>(socket, 'message');
      const clientGot = waitFor<[string]>(events(client), 'message');
      client.send(big);
      socket.send(big);
      expect((await serverGot)[0]).toBe(big);
      expect((await clientGot)[0]).toBe(big);
    }
  });

  it('keeps messages sent during the upgrade in order', async () => {
    const test = await startEngine();
    const connection = nextConnection(test.engine);
    const client = connect(test.port, { transports: ['polling', 'websocket'] });
    const socket = await connection;
    const received: unknown[] = [];
    const all = new Promise<void>((resolve) =>
      client.on('message', (data) => {
        received.push(data);
        if (received.length === 20) resolve();
      }),
    );
    let i = 0;
    const timer = setInterval(() => {
      if (i < 20) socket.send(`n${i++}`);
    }, 2);
    onCleanup(() => clearInterval(timer));
    await within(all, 5000, '20 messages');
    expect(received).toEqual(Array.from({ length: 20 }, (_, n) => `n${n}`));
  });

  it('keeps heartbeats alive with short intervals and sees server close', async () => {
    const test = await startEngine({ pingInterval: 50, pingTimeout: 200 });
    const connection = nextConnection(test.engine);
    const client = connect(test.port, { transports: ['websocket'] });
    const socket = await connection;
    let heartbeats = 0;
    await within(
      new Promise<void>((resolve) =>
        socket.on('heartbeat', () => {
          if (++heartbeats === 3) resolve();
        }),
      ),
      5000,
      'three heartbeats',
    );
    expect(socket.readyState).toBe('open');
    const clientClosed = waitFor(events(client), 'close');
    socket.close();
    await clientClosed;
    expect(socket.readyState).toBe('closed');
  });

  it('sees the client close (both transports)', async () => {
    for (const transports of [['polling'], ['websocket']] as const) {
      const test = await startEngine();
      const connection = nextConnection(test.engine);
      const client = connect(test.port, { transports: [...transports] });
      await waitFor(events(client), 'open');
      const socket = await connection;
      const closed = waitFor<[string]>(socket, 'close');
      client.close();
      const [reason] = await closed;
      expect(reason).toBe('transport close');
      expect(test.engine.clientsCount).toBe(0);
    }
  });
});
