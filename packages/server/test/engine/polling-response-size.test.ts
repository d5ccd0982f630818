/**
 * A polling response (and an SSE event) carries a bounded amount: a large queue goes out over
 * several GETs, in order, rather than as one string that could pass V8's limit.
 */
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { Socket } from '../../src/engine/index.js';
import { MAX_PAYLOAD_UNITS } from '../../src/engine/transports/text-payload.js';
import { until, within } from '../support/wait.js';
import { onCleanup } from './cleanup.js';
import { nextConnection, pollingSession, startEngine } from './helpers.js';
import { http } from './raw-clients.js';

const MESSAGE_UNITS = 10_000;
const MESSAGES = 500; // 5 MB queued: five responses' worth and more

function message(i: number): string {
  return `${String(i).padStart(6, '0')}${'x'.repeat(MESSAGE_UNITS - 6)}`;
}

describe('polling response size', () => {
  it('splits a large queue over several GETs, in order, with send callbacks after the last part', async () => {
    // No bound on what the session holds: the client below polls only after everything is queued.
    const test = await startEngine({ maxBufferedBytes: Number.POSITIVE_INFINITY });
    const { socket, url } = await pollingSession(test);
    let callbacks = 0;
    for (let i = 0; i < MESSAGES; i++) socket.send(message(i), i === MESSAGES - 1 ? () => callbacks++ : undefined);
    const received: string[] = [];
    let responses = 0;
    while (received.length < MESSAGES) {
      const res = await within(http(url), 5000, `GET #${responses + 1}`);
      expect(res.status).toBe(200);
      responses++;
      expect(res.body.length).toBeLessThanOrEqual(MAX_PAYLOAD_UNITS);
      for (const record of res.body.split('\x1e')) if (record[0] === '4') received.push(record.slice(1));
      if (received.length < MESSAGES) expect(callbacks).toBe(0);
    }
    expect(responses).toBeGreaterThanOrEqual(Math.ceil((MESSAGES * MESSAGE_UNITS) / MAX_PAYLOAD_UNITS));
    expect(received).toEqual(Array.from({ length: MESSAGES }, (_, i) => message(i)));
    await until(() => callbacks === 1, 5000, 'the send callback');
  });

  it('sends one packet larger than the bound alone, then the rest', async () => {
    const test = await startEngine({ maxBufferedBytes: Number.POSITIVE_INFINITY, maxHttpBufferSize: 1e7 });
    const { socket, url } = await pollingSession(test);
    const big = 'b'.repeat(MAX_PAYLOAD_UNITS + 10);
    socket.send('before');
    socket.send(big);
    socket.send('after');
    const bodies: string[] = [];
    while (!bodies.join('\x1e').includes('4after')) bodies.push((await within(http(url), 5000, 'a GET')).body);
    expect(bodies).toEqual(['4before', `4${big}`, '4after']);
  });

  it('cuts a large SSE flush into several bounded events, in order', async () => {
    const test = await startEngine({ maxBufferedBytes: Number.POSITIVE_INFINITY });
    const connection = nextConnection(test.engine);
    const events: string[] = [];
    const done = new Promise<void>((resolve, reject) => {
      const req = request(test.url({ EIO: '4', transport: 'sse' }), { agent: false }, (res) => {
        let buffered = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffered += chunk;
          let end = buffered.indexOf('\n\n');
          while (end !== -1) {
            events.push(buffered.slice(0, end));
            buffered = buffered.slice(end + 2);
            end = buffered.indexOf('\n\n');
          }
          if (events.join('').includes(`4${message(MESSAGES - 1)}`)) resolve();
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      onCleanup(() => req.destroy());
      req.end();
    });
    const socket: Socket = await connection;
    for (let i = 0; i < MESSAGES; i++) socket.send(message(i));
    await within(done, 15_000, 'every SSE event');
    const payloads = events.map((event) => event.replace(/^data: /, ''));
    for (const payload of payloads) expect(payload.length).toBeLessThanOrEqual(MAX_PAYLOAD_UNITS);
    expect(payloads.length).toBeGreaterThan(1);
    const received = payloads
      .flatMap((payload) => payload.split('\x1e'))
      .filter((record) => record[0] === '4')
      .map((record) => record.slice(1));
    expect(received).toEqual(Array.from({ length: MESSAGES }, (_, i) => message(i)));
  });
});
