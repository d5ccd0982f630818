import customParser from 'socket.io-msgpack-parser';
import { describe, expect, it } from 'vitest';
import type { PacketParser, Socket } from '../src/index.js';
import { connected, startServer, TRANSPORT_MODES, waitFor, within } from './support/harness.js';

// @parley-engine either: PARLEY_ENGINE=engine.io runs this suite on the official engine.io (support/engine-choice.ts).

const parser = customParser as unknown as PacketParser;

async function msgpackServer() {
  const server = await startServer({ parser });
  const sockets: Socket[] = [];
  server.io.on('connection', (s: Socket) => {
    sockets.push(s);
    s.on('echo', (...args: unknown[]) => (args.pop() as (...a: unknown[]) => void)(...args));
    s.on('join', (room: string, ack: () => void) => {
      s.join(room);
      ack();
    });
  });
  return { ...server, sockets };
}

describe.each(TRANSPORT_MODES)('the parser option (socket.io-msgpack-parser) over %s', (mode) => {
  it('connects the official client using the same parser; events and acks work both ways', async () => {
    const { io, url, sockets } = await msgpackServer();
    const c = await connected(url, mode, { parser: customParser });
    c.on('question', (q: string, ack: (a: string) => void) => ack(`answer to ${q}`));
    expect(c.id).toBe(sockets[0].id);
    expect(await c.timeout(5000).emitWithAck('echo', 'text', 42, { nested: [1, null] })).toBe('text');
    const answered = await within(
      sockets[0].timeout(5000).emitWithAck('question', 'from server'),
      6000,
      'the client answer',
    );
    expect(answered).toBe('answer to from server');
    void io;
  }, 20_000);

  it('carries binary data inside the packet both ways', async () => {
    const { url, sockets } = await msgpackServer();
    const c = await connected(url, mode, { parser: customParser });
    c.on('bytes', (payload: Uint8Array, ack: (n: number) => void) => ack(payload.byteLength));
    const echoed = (await c.timeout(5000).emitWithAck('echo', Buffer.from([1, 2, 3]))) as Uint8Array;
    expect([...new Uint8Array(echoed)]).toEqual([1, 2, 3]);
    expect(await sockets[0].timeout(5000).emitWithAck('bytes', Buffer.alloc(1000, 7))).toBe(1000);
  });

  it('broadcasts to rooms, with and without acks, binary included', async () => {
    const { io, url } = await msgpackServer();
    const a = await connected(url, mode, { parser: customParser });
    const b = await connected(url, mode, { parser: customParser });
    await a.timeout(5000).emitWithAck('join', 'room');
    const gotA = waitFor<[string, Uint8Array]>(a, 'news');
    const endB = waitFor(b, 'end');
    const newsB: unknown[] = [];
    b.on('news', (...args: unknown[]) => newsB.push(args));
    io.to('room').emit('news', 'hello', Buffer.from([9]));
    io.emit('end');
    const [text, bytes] = await gotA;
    expect(text).toBe('hello');
    expect([...new Uint8Array(bytes)]).toEqual([9]);
    await endB;
    expect(newsB).toEqual([]);
    for (const c of [a, b]) c.on('poll', (ack: (x: string) => void) => ack(c === a ? 'a' : 'b'));
    const answers = await io.timeout(5000).emitWithAck('poll');
    expect((answers as string[]).sort()).toEqual(['a', 'b']);
  });

  it('a packet the custom parser rejects emits its error on the socket and closes the connection', async () => {
    const { url, sockets } = await msgpackServer();
    const c = await connected(url, mode, { parser: customParser });
    const error = waitFor<[Error]>(sockets[0], 'error');
    const reason = waitFor<[string]>(sockets[0], 'disconnect');
    c.io.engine.send(Buffer.from([0x93, 1, 2, 3])); // a msgpack array, not a packet
    expect((await error)[0].message).toBe('invalid packet type');
    expect((await reason)[0]).toBe('forced close');
  });
});

describe('the default codec with a client that speaks msgpack', () => {
  it('does not connect it (the parsers must match)', async () => {
    const { url } = await startServer();
    const { client } = await import('./support/harness.js');
    const c = client(url, 'websocket', { parser: customParser });
    const outcome = await Promise.race([
      waitFor(c, 'connect').then(() => 'connected'),
      waitFor(c, 'disconnect').then(() => 'disconnected'),
      waitFor(c, 'connect_error').then(() => 'connect_error'),
    ]);
    expect(outcome).not.toBe('connected');
  });
});
