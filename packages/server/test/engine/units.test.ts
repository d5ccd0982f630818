/**
 * Unit tests of the engine's building blocks: WebSocket frames, the timer wheel, the session
 * cookie, the logger, and the coalescing/encode-once behaviour seen from the transport.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as wsModule from 'ws';
import { createLogger } from '../../src/engine/debug.js';
import { buildBinaryFrame, buildTextFrame } from '../../src/engine/frame.js';
import { TimerWheel } from '../../src/engine/heartbeat.js';
import { serializeSessionCookie } from '../../src/engine/http/cookie.js';
import { prepareMessage, type Socket } from '../../src/engine/index.js';
import type { OutboundPacket } from '../../src/engine/packet.js';
import { cleanup, nextConnection, rawWebSocket, startEngine, until } from './helpers.js';

afterEach(cleanup);

function wsFrame(data: Buffer, opcode: number): Buffer {
  // ws's Sender is exported at runtime but missing from its type definitions.
  const { Sender } = wsModule as unknown as { Sender: { frame(data: Buffer, options: object): Buffer[] } };
  const parts = Sender.frame(data, {
    fin: true,
    opcode,
    mask: false,
    readOnly: false,
    rsv1: false,
  });
  return Buffer.concat(parts);
}

describe('WebSocket frames', () => {
  it('match the frames ws builds, at every length boundary', () => {
    for (const length of [0, 1, 125, 126, 127, 65_535, 65_536, 70_000]) {
      const text = 'x'.repeat(length);
      expect(buildTextFrame(text).equals(wsFrame(Buffer.from(text), 1)), `text ${length}`).toBe(true);
      const bytes = Buffer.alloc(length, 7);
      expect(buildBinaryFrame(bytes).equals(wsFrame(bytes, 2)), `binary ${length}`).toBe(true);
    }
    const unicode = '€😀'.repeat(50);
    expect(buildTextFrame(unicode).equals(wsFrame(Buffer.from(unicode), 1))).toBe(true);
  });

  it('are built once per prepared message', () => {
    const message = prepareMessage('hello') as OutboundPacket;
    expect(message.webSocketFrame()).toBe(message.webSocketFrame());
    expect(message.textRecord()).toBe('4hello');
    const binary = prepareMessage(new Uint8Array([1, 2])) as OutboundPacket;
    expect(binary.textRecord()).toBe('bAQI=');
    expect(binary.webSocketPayload()).toEqual(Buffer.from([1, 2]));
  });
});

describe('TimerWheel', () => {
  function target() {
    const result = {
      fired: 0,
      onTimer() {
        result.fired++;
      },
    };
    return result;
  }

  it('fires due targets once, honours cancel and reschedule, and stops when empty', () => {
    const wheel = new TimerWheel<ReturnType<typeof target>>(10);
    const [a, b, c] = [target(), target(), target()];
    const start = Date.now();
    wheel.schedule(a, 100);
    wheel.schedule(b, 100);
    wheel.schedule(c, 100);
    wheel.cancel(b);
    wheel.schedule(c, 1000);
    expect(wheel.size).toBe(2);
    wheel.tick(start + 50);
    expect(a.fired).toBe(0);
    wheel.tick(start + 200);
    expect([a.fired, b.fired, c.fired]).toEqual([1, 0, 0]);
    wheel.tick(start + 2000);
    expect([a.fired, b.fired, c.fired]).toEqual([1, 0, 1]);
    wheel.tick(start + 5000);
    expect(c.fired).toBe(1);
    expect(wheel.size).toBe(0);
  });

  it('skips a target cancelled or rescheduled by an earlier target of the same slot', () => {
    const wheel = new TimerWheel<{ onTimer(): void; fired?: number }>(10);
    const [b, c, d] = [target(), target(), target()];
    const start = Date.now();
    const a = {
      onTimer() {
        wheel.cancel(b);
        wheel.schedule(c, 1000);
      },
    };
    for (const each of [a, b, c, d]) wheel.schedule(each, 10);
    expect(wheel.size).toBe(4);
    wheel.tick(start + 100);
    expect([b.fired, c.fired, d.fired]).toEqual([0, 0, 1]);
    expect(wheel.size).toBe(1);
    wheel.tick(start + 2000);
    expect(c.fired).toBe(1);
    expect(wheel.size).toBe(0);
    wheel.clear();
  });

  it('keeps firing the rest of a slot when one target throws, then rethrows', () => {
    const wheel = new TimerWheel<{ onTimer(): void }>(10);
    const ok = target();
    wheel.schedule(
      {
        onTimer() {
          throw new Error('listener bug');
        },
      },
      10,
    );
    wheel.schedule(ok, 10);
    expect(() => wheel.tick(Date.now() + 100)).toThrow('listener bug');
    expect(ok.fired).toBe(1);
    wheel.clear();
  });

  it('fires for real on its own interval', async () => {
    const wheel = new TimerWheel<ReturnType<typeof target>>(5);
    const a = target();
    wheel.schedule(a, 10);
    await until(() => a.fired === 1);
    expect(wheel.size).toBe(0);
    wheel.clear();
  });
});

describe('session cookie', () => {
  it('serializes like engine.io by default and with options', () => {
    expect(serializeSessionCookie('abc', {})).toBe('io=abc; Path=/; HttpOnly; SameSite=Lax');
    expect(serializeSessionCookie('abc', { path: false })).toBe('io=abc; SameSite=Lax');
    expect(
      serializeSessionCookie('a b', { name: 'sid', secure: true, sameSite: 'none', maxAge: 60, domain: 'example.com' }),
    ).toBe('sid=a%20b; Path=/; Domain=example.com; Max-Age=60; HttpOnly; Secure; SameSite=None');
    expect(() => serializeSessionCookie('x', { name: 'bad name' })).toThrow(TypeError);
  });
});

describe('logger', () => {
  it('is silent by default and enabled by DEBUG patterns', () => {
    const saved = process.env.DEBUG;
    try {
      delete process.env.DEBUG;
      expect(createLogger('parley:engine').enabled).toBe(false);
      process.env.DEBUG = 'parley:*';
      expect(createLogger('parley:engine').enabled).toBe(true);
      process.env.DEBUG = 'parley:*,-parley:engine';
      expect(createLogger('parley:engine').enabled).toBe(false);
      expect(createLogger('parley:engine:socket').enabled).toBe(true);
    } finally {
      if (saved === undefined) delete process.env.DEBUG;
      else process.env.DEBUG = saved;
    }
  });
});

describe('session emitter', () => {
  it('works as an EventEmitter from no listener table at all, and feeds its receiver first', async () => {
    const test = await startEngine();
    const connection = nextConnection(test.engine);
    const client = await rawWebSocket(test.url({ EIO: '4', transport: 'websocket' }));
    await client.next();
    const socket: Socket = await connection;
    expect(socket.eventNames()).toEqual([]);
    expect(socket.listenerCount('message')).toBe(0);
    expect(socket.listeners('message')).toEqual([]);
    socket.removeAllListeners('message');
    const order: string[] = [];
    socket.setReceiver({
      onSessionMessage: (data) => order.push(`receiver ${data}`),
      onSessionClose: () => {},
    });
    const message = new Promise<void>((resolve) =>
      socket.on('message', (data) => {
        order.push(`listener ${data}`);
        resolve();
      }),
    );
    client.ws.send('4hi');
    await message;
    expect(order).toEqual(['receiver hi', 'listener hi']);
    expect(socket.eventNames()).toContain('message');
  });
});

describe('coalescing', () => {
  it('hands the sends of one turn to the WebSocket transport in one write', async () => {
    const test = await startEngine();
    const connection = nextConnection(test.engine);
    const client = await rawWebSocket(test.url({ EIO: '4', transport: 'websocket' }));
    await client.next();
    const socket: Socket = await connection;
    const transport = socket.transport;
    const original = transport.send.bind(transport);
    const batches: string[][] = [];
    vi.spyOn(transport, 'send').mockImplementation((packets, compress, onWritten) => {
      batches.push(packets.map((packet) => String(packet.data)));
      return original(packets, compress, onWritten);
    });
    for (let i = 0; i < 5; i++) socket.send(`m${i}`);
    socket.sendPrepared(prepareMessage('shared'));
    const received: Array<string | Buffer> = [];
    for (let i = 0; i < 6; i++) received.push(await client.next());
    expect(received).toEqual(['4m0', '4m1', '4m2', '4m3', '4m4', '4shared']);
    expect(batches).toEqual([['m0', 'm1', 'm2', 'm3', 'm4', 'shared']]);
  });

  it('flushes all sessions in the same turn with one shared scheduler', async () => {
    const test = await startEngine();
    const sessions: Socket[] = [];
    test.engine.on('connection', (socket: Socket) => sessions.push(socket));
    const clients = await Promise.all(
      [1, 2, 3].map(() => rawWebSocket(test.url({ EIO: '4', transport: 'websocket' }))),
    );
    for (const client of clients) await client.next();
    const spies = sessions.map((socket) => vi.spyOn(socket.transport, 'send'));
    const message = prepareMessage('broadcast');
    const seen: unknown[] = [];
    for (const spy of spies)
      spy.mockImplementation(function (this: unknown, packets) {
        seen.push(packets[0]);
        return packets.length;
      });
    for (const socket of sessions) socket.sendPrepared(message);
    await until(() => seen.length === 3);
    expect(seen.every((packet) => packet === message)).toBe(true);
    for (const spy of spies) expect(spy).toHaveBeenCalledTimes(1);
  });
});
