/**
 * A pong counts only while a ping is outstanding: a peer that sends pongs nobody asked for does
 * not put the pings off, and still times out when it leaves a ping unanswered.
 */
import { describe, expect, it } from 'vitest';
import type { Socket } from '../../src/engine/index.js';
import { waitFor, within } from '../support/wait.js';
import { nextConnection, startEngine } from './helpers.js';
import { rawWebSocket } from './raw-clients.js';

describe('unsolicited pongs', () => {
  it('neither delay the next ping nor keep a session alive that never answers one', async () => {
    const test = await startEngine({ pingInterval: 300, pingTimeout: 300 });
    const connection = nextConnection(test.engine);
    const client = await rawWebSocket(test.url({ EIO: '4', transport: 'websocket' }));
    const session: Socket = await connection;
    expect(String(await client.next())[0]).toBe('0');
    let heartbeats = 0;
    session.on('heartbeat', () => heartbeats++);
    const closed = waitFor<[string]>(session, 'close', 10_000);
    // Pongs far more often than pings, until the first ping arrives, which is never answered.
    const spam = setInterval(() => client.ws.send('3'), 20);
    try {
      const started = Date.now();
      const ping = await within(client.next(), 5000, 'the first ping despite the pongs');
      expect(ping).toBe('2');
      // A ping due after pingInterval, give or take the load of a shared machine, not postponed forever.
      expect(Date.now() - started).toBeLessThan(4000);
    } finally {
      clearInterval(spam);
    }
    const [reason] = await closed;
    expect(reason).toBe('ping timeout');
    // A pong sent while the ping was in flight may have counted once; a heartbeat per pong would be dozens.
    expect(heartbeats).toBeLessThanOrEqual(1);
  });

  it('the answer to a ping still keeps the session alive', async () => {
    const test = await startEngine({ pingInterval: 150, pingTimeout: 300 });
    const connection = nextConnection(test.engine);
    const client = await rawWebSocket(test.url({ EIO: '4', transport: 'websocket' }));
    const session: Socket = await connection;
    expect(String(await client.next())[0]).toBe('0');
    for (let i = 0; i < 4; i++) {
      expect(await client.next()).toBe('2');
      const heartbeat = waitFor(session, 'heartbeat');
      client.ws.send('3');
      await heartbeat;
    }
    expect(session.readyState).toBe('open');
  });
});
