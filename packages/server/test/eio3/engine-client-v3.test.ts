/**
 * The engine on its own (`@parley/server/engine`) with `allowEIO3`, against engine.io-client 3
 * (the engine of socket.io-client 2.x): messages both ways over polling, WebSocket and the upgrade.
 */
import type { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { Socket } from '../../src/engine/index.js';
import { onCleanup } from '../engine/cleanup.js';
import { nextConnection, startEngine } from '../engine/helpers.js';
import { waitFor, within } from '../support/wait.js';

interface V3EngineClient extends EventEmitter {
  id: string;
  transport: { name: string };
  send(data: string | Uint8Array): void;
  close(): void;
}

const require = createRequire(import.meta.url);
const { Socket: EngineClient } = require('socket.io-client-v2/node_modules/engine.io-client') as {
  Socket: new (url: string, options: Record<string, unknown>) => V3EngineClient;
};

function connect(port: number, transports: string[]): V3EngineClient {
  const client = new EngineClient(`http://127.0.0.1:${port}`, { transports });
  onCleanup(() => client.close());
  return client;
}

describe.each([
  ['polling', ['polling']],
  ['websocket', ['websocket']],
  ['upgrade', ['polling', 'websocket']],
])('engine.io-client 3 over %s', (mode, transports) => {
  it('exchanges text and binary messages with a v3 session', async () => {
    const test = await startEngine({ allowEIO3: true });
    const connection = nextConnection(test.engine);
    const client = connect(test.port, transports);
    await waitFor(client, 'open');
    const socket: Socket = await connection;
    expect(socket.protocol).toBe(3);
    expect(socket.id).toBe(client.id);
    if (mode === 'upgrade' && client.transport.name !== 'websocket') await waitFor(client, 'upgrade');

    const serverReceived: Array<string | Buffer> = [];
    socket.on('message', (data: string | Buffer) => {
      serverReceived.push(data);
      socket.send(data);
    });
    const clientReceived: unknown[] = [];
    const echoed = new Promise<void>((resolve) =>
      client.on('message', (data: unknown) => {
        clientReceived.push(data);
        if (clientReceived.length === 2) resolve();
      }),
    );
    client.send('héllo ✓');
    client.send(new Uint8Array([1, 2, 250]));
    await within(echoed, 5000, 'the echo');
    expect(serverReceived).toEqual(['héllo ✓', Buffer.from([1, 2, 250])]);
    expect(clientReceived[0]).toBe('héllo ✓');
    expect([...new Uint8Array(clientReceived[1] as ArrayBuffer)]).toEqual([1, 2, 250]);
    expect(socket.transport.name).toBe(mode === 'polling' ? 'polling' : 'websocket');
  });
});
