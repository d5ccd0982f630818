import { Socket as TcpSocket } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Socket } from '../src/index.js';
import { connected, startServer, TRANSPORT_MODES, waitFor } from './support/harness.js';

// @parley-engine either: PARLEY_ENGINE=engine.io runs this suite on the official engine.io (support/engine-choice.ts).

// A socket keeps its listeners in a fast-mode table (events/listener-table.ts) rather than
// Node's dictionary. Event names that are members of Object.prototype must still be plain event
// names, and the emitter's bookkeeping must be the same as with Node's own table.
describe.each(TRANSPORT_MODES)('socket listeners over %s', (mode) => {
  it('treat names of Object.prototype members as plain event names', async () => {
    const { io, url } = await startServer();
    const heard: string[] = [];
    const ready = new Promise<Socket>((resolve) => {
      io.on('connection', (s: Socket) => {
        s.on('constructor', (n: number) => heard.push(`constructor ${n}`));
        s.on('toString', (n: number) => heard.push(`toString ${n}`));
        s.once('hasOwnProperty', (n: number) => heard.push(`hasOwnProperty ${n}`));
        s.on('done', (ack: () => void) => ack());
        resolve(s);
      });
    });
    const c = await connected(url, mode);
    const s = await ready;
    expect(s.eventNames()).toEqual(['constructor', 'toString', 'hasOwnProperty', 'done']);
    // No listener: nothing may be found on the table's prototype chain.
    c.emit('valueOf', 0);
    c.emit('__proto__', 0);
    for (const n of [1, 2]) {
      c.emit('constructor', n);
      c.emit('toString', n);
      c.emit('hasOwnProperty', n);
    }
    await c.timeout(5000).emitWithAck('done');
    expect(heard).toEqual(['constructor 1', 'toString 1', 'hasOwnProperty 1', 'constructor 2', 'toString 2']);
    expect(s.listenerCount('hasOwnProperty')).toBe(0);
    expect(s.eventNames()).toEqual(['constructor', 'toString', 'done']);
    s.removeAllListeners('constructor');
    s.off('toString', s.listeners('toString')[0] as () => void);
    expect(s.eventNames()).toEqual(['done']);
    expect(s.connected).toBe(true);
  });
});

describe('socket.request over WebSocket', () => {
  it('is the connection itself, whose peer address outlives it', async () => {
    const { io, url } = await startServer();
    const joined = waitFor<[Socket]>(io, 'connection');
    const c = await connected(url, 'websocket');
    const [s] = await joined;
    expect(s.request.socket).toBeInstanceOf(TcpSocket);
    const address = s.request.socket.remoteAddress;
    expect(address).toMatch(/127\.0\.0\.1$/);
    const closed = waitFor(s.request.socket as TcpSocket, 'close');
    c.disconnect();
    await closed;
    expect(s.request.socket.remoteAddress).toBe(address);
    expect(s.handshake.address).toBe(address);
  });
});
