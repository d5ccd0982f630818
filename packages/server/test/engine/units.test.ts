/**
 * Unit tests of the engine's building blocks: WebSocket frames, the heartbeat deadline queues, the session
 * cookie, the logger, and the coalescing/encode-once behaviour seen from the transport.
 */
import { describe, expect, it, vi } from 'vitest';
import * as wsModule from 'ws';
import { createLogger } from '../../src/engine/debug.js';
import { buildBinaryFrame, buildPacketTextFrame } from '../../src/engine/frame.js';
import { serializeSessionCookie } from '../../src/engine/http/cookie.js';
import { prepareMessage, type Socket } from '../../src/engine/index.js';
import type { OutboundPacket } from '../../src/engine/packet.js';
import {
  DEADLINE,
  DeadlineQueue,
  type DeadlineTarget,
  NEXT,
  PREV,
  QUEUE,
  unschedule,
} from '../../src/engine/timer-wheel.js';
import { until } from '../support/wait.js';
import { nextConnection, startEngine } from './helpers.js';
import { rawWebSocket } from './raw-clients.js';

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
      // A text packet's payload is its type digit and its data.
      if (length > 0) {
        const data = 'x'.repeat(length - 1);
        const frame = buildPacketTextFrame(0x34, data);
        expect(frame.equals(wsFrame(Buffer.from(`4${data}`), 1)), `text ${length}`).toBe(true);
      }
      const bytes = Buffer.alloc(length, 7);
      expect(buildBinaryFrame(bytes).equals(wsFrame(bytes, 2)), `binary ${length}`).toBe(true);
    }
    const unicode = '€😀'.repeat(50);
    expect(buildPacketTextFrame(0x30, unicode).equals(wsFrame(Buffer.from(`0${unicode}`), 1))).toBe(true);
  });

  it('are built once per prepared message', () => {
    const message = prepareMessage('hello') as OutboundPacket;
    expect(message.webSocketFrame()).toBe(message.webSocketFrame());
    expect(message.webSocketFrame().subarray(2).toString()).toBe('4hello');
    expect(message.textRecord()).toBe('4hello');
    const binary = prepareMessage(new Uint8Array([1, 2])) as OutboundPacket;
    expect(binary.textRecord()).toBe('bAQI=');
    expect(binary.webSocketPayload()).toEqual(Buffer.from([1, 2]));
  });
});

describe('DeadlineQueue', () => {
  class Target implements DeadlineTarget {
    fired = 0;
    onFire: (() => void) | undefined;
    [QUEUE]: DeadlineQueue<this> | null = null;
    [PREV]: this | null = null;
    [NEXT]: this | null = null;
    [DEADLINE] = 0;
    onDeadline(): void {
      this.fired++;
      this.onFire?.();
    }
  }

  function fakeClock(): { now: number; read: () => number } {
    const clock = { now: 1000, read: () => clock.now };
    return clock;
  }

  it('fires each target exactly at its deadline, in order, honouring removal and rescheduling', () => {
    const clock = fakeClock();
    const queue = new DeadlineQueue<Target>(100, clock.read);
    const [a, b, c] = [new Target(), new Target(), new Target()];
    queue.push(a);
    clock.now += 10;
    queue.push(b);
    clock.now += 10;
    queue.push(c);
    unschedule(b);
    clock.now += 10;
    queue.push(a); // rescheduled: now due at 1130, behind c (1120)
    expect(queue.size).toBe(2);
    queue.fire(1118);
    expect([a.fired, b.fired, c.fired]).toEqual([0, 0, 0]);
    queue.fire(1120);
    expect([a.fired, b.fired, c.fired]).toEqual([0, 0, 1]);
    queue.fire(1130);
    expect([a.fired, b.fired, c.fired]).toEqual([1, 0, 1]);
    expect(queue.size).toBe(0);
    queue.clear();
  });

  it('moves a target between queues and skips one removed by an earlier target', () => {
    const clock = fakeClock();
    const pings = new DeadlineQueue<Target>(50, clock.read);
    const pongs = new DeadlineQueue<Target>(20, clock.read);
    const [a, b, c] = [new Target(), new Target(), new Target()];
    a.onFire = () => {
      unschedule(b);
      pongs.push(c);
    };
    for (const each of [a, b, c]) pings.push(each);
    pings.fire(1050);
    expect([a.fired, b.fired, c.fired]).toEqual([1, 0, 0]);
    expect([pings.size, pongs.size]).toEqual([0, 1]);
    pongs.fire(1070);
    expect(c.fired).toBe(1);
    pings.clear();
    pongs.clear();
  });

  it('keeps firing the other due targets when one throws, then rethrows', () => {
    const clock = fakeClock();
    const queue = new DeadlineQueue<Target>(10, clock.read);
    const [bad, ok] = [new Target(), new Target()];
    bad.onFire = () => {
      throw new Error('listener bug');
    };
    queue.push(bad);
    queue.push(ok);
    expect(() => queue.fire(2000)).toThrow('listener bug');
    expect(ok.fired).toBe(1);
    queue.clear();
  });

  it('fires for real on one timer, armed for the head', async () => {
    const queue = new DeadlineQueue<Target>(10);
    const [a, b] = [new Target(), new Target()];
    queue.push(a);
    queue.push(b);
    unschedule(a);
    await until(() => b.fired === 1);
    expect(a.fired).toBe(0);
    expect(queue.size).toBe(0);
    expect(queue.armedFor).toBeUndefined();
    queue.clear();
  });
});

describe('session cookie', () => {
  it('serializes like engine.io by default and with options', () => {
    expect(serializeSessionCookie('abc', {})).toBe('io=abc; Path=/; HttpOnly; SameSite=Lax');
    expect(serializeSessionCookie('abc', { path: false })).toBe('io=abc; SameSite=Lax');
    expect(
      serializeSessionCookie('a b', { name: 'sid', secure: true, sameSite: 'none', maxAge: 60, domain: 'example.com' }),
    ).toBe('sid=a%20b; Max-Age=60; Domain=example.com; Path=/; HttpOnly; Secure; SameSite=None');
    expect(serializeSessionCookie('x', { sameSite: 'STRICT' as 'strict', priority: 'low' })).toBe(
      'io=x; Path=/; HttpOnly; Priority=Low; SameSite=Strict',
    );
    expect(() => serializeSessionCookie('x', { sameSite: 'sideways' as 'lax' })).toThrow(TypeError);
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
