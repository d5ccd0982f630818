import type { Socket as ClientSocket } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import type { Server, Socket } from '../src/index.js';
import { connected, startServer, until, waitFor, within } from './support/harness.js';

// @parley-engine either: PARLEY_ENGINE=engine.io runs this suite on the official engine.io (support/engine-choice.ts).

/** Whether the session can write at once (engine.io, under PARLEY_ENGINE=engine.io, has only its transport's flag). */
function idle(s: Socket): boolean {
  return s.conn.writableNow ?? (s.conn.transport as { writable?: boolean }).writable === true;
}

/** One connected client, its server-side socket, and the `ev` payloads it receives. */
async function pair(mode: 'polling' | 'websocket') {
  const { io, url } = await startServer({ transports: mode === 'polling' ? ['polling'] : ['websocket'] });
  const joined = waitFor<[Socket]>(io, 'connection');
  const c = await connected(url, mode);
  const [s] = await joined;
  const got: unknown[] = [];
  c.on('ev', (payload: unknown) => got.push(payload));
  // Nothing of the handshake may still be queued or in flight.
  await until(() => idle(s));
  return { io, c, s, got };
}

/** Resolves once the client got `end`: everything emitted before it has arrived. */
async function settle(io: Server, c: ClientSocket): Promise<void> {
  const end = waitFor(c, 'end');
  io.emit('end');
  await within(end, 5000, 'the end marker');
}

describe('volatile over WebSocket', () => {
  it('two consecutive volatile emits while the transport is busy deliver one', async () => {
    const { io, c, s, got } = await pair('websocket');
    s.volatile.emit('ev', 1);
    s.volatile.emit('ev', 2);
    await settle(io, c);
    expect(got).toEqual([1]);
  });

  it('a regular emit after a dropped volatile one is delivered', async () => {
    const { io, c, s, got } = await pair('websocket');
    s.emit('ev', 1);
    s.volatile.emit('ev', 2);
    s.emit('ev', 3);
    await settle(io, c);
    expect(got).toEqual([1, 3]);
  });

  it('with binary, one of two consecutive volatile emits arrives whole', async () => {
    const { io, c, s, got } = await pair('websocket');
    s.volatile.emit('ev', Buffer.from([1, 2, 3]));
    s.volatile.emit('ev', Buffer.from([4, 5, 6]));
    await settle(io, c);
    expect(got.map((b) => [...new Uint8Array(b as ArrayBuffer)])).toEqual([[1, 2, 3]]);
  });

  it('io.volatile and to(room).volatile broadcasts drop the same way (binary too)', async () => {
    const { io, c, s, got } = await pair('websocket');
    s.join('room');
    io.volatile.emit('ev', 'a');
    io.volatile.emit('ev', 'b');
    await settle(io, c);
    await until(() => idle(s));
    io.to('room').volatile.emit('ev', Buffer.from([7]));
    io.to('room').volatile.emit('ev', Buffer.from([8]));
    await settle(io, c);
    await until(() => idle(s));
    io.of('/').to('room').volatile.emit('ev', 'c');
    io.to('room').emit('ev', 'd');
    await settle(io, c);
    expect(got.map((x) => (typeof x === 'string' ? x : [...new Uint8Array(x as ArrayBuffer)]))).toEqual([
      'a',
      [7],
      'c',
      'd',
    ]);
  });

  it('a volatile emit in a later turn, once the write went out, is delivered', async () => {
    const { io, c, s, got } = await pair('websocket');
    s.volatile.emit('ev', 1);
    await until(() => idle(s));
    s.volatile.emit('ev', 2);
    await settle(io, c);
    expect(got).toEqual([1, 2]);
  });
});

describe('volatile over long-polling', () => {
  it('is delivered when a GET is pending', async () => {
    const { io, c, s, got } = await pair('polling');
    s.volatile.emit('ev', 1);
    await settle(io, c);
    expect(got).toEqual([1]);
  });

  it('is dropped behind a regular emit of the same turn, which is delivered', async () => {
    const { io, c, s, got } = await pair('polling');
    s.emit('ev', 1);
    s.volatile.emit('ev', 2);
    s.volatile.emit('ev', Buffer.from([3]));
    await settle(io, c);
    expect(got).toEqual([1]);
  });

  it('is dropped while no GET is pending (raw HTTP)', async () => {
    const { io, url } = await startServer({ transports: ['polling'] });
    const base = `${url}/socket.io/?EIO=4&transport=polling`;
    const open = await (await fetch(base)).text();
    const sid = JSON.parse(open.slice(1)).sid as string;
    const joined = waitFor<[Socket]>(io, 'connection');
    expect(await (await fetch(`${base}&sid=${sid}`, { method: 'POST', body: '40' })).text()).toBe('ok');
    const [s] = await joined;
    expect(await (await fetch(`${base}&sid=${sid}`)).text()).toMatch(/^40\{"sid":/);
    // No GET pending now.
    s.volatile.emit('dropped');
    io.volatile.emit('dropped too');
    s.emit('kept');
    expect(await (await fetch(`${base}&sid=${sid}`)).text()).toBe('42["kept"]');
    // A GET pending, nothing queued: the volatile packet leaves at once.
    const pending = fetch(`${base}&sid=${sid}`).then((res) => res.text());
    await until(() => idle(s));
    s.volatile.emit('delivered');
    expect(await within(pending, 5000, 'the poll')).toBe('42["delivered"]');
    await fetch(`${base}&sid=${sid}`, { method: 'POST', body: '1' });
  });
});
