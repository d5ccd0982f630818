import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { encodeSseEvent, type Socket } from '../../src/engine/index.js';
import { waitFor } from '../support/wait.js';
import { onCleanup } from './cleanup.js';
import { nextConnection, pollingHandshake, startEngine, type TestEngine } from './helpers.js';
import { http } from './raw-clients.js';

/** Opens an SSE stream and parses its events. */
async function openStream(test: TestEngine) {
  const events: Array<{ event: string; data: string }> = [];
  const waiters: Array<() => void> = [];
  let buffer = '';
  const res = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
    const req = request(test.url({ EIO: '4', transport: 'sse' }), { agent: false }, resolve);
    req.on('error', reject);
    req.end();
    onCleanup(() => req.destroy());
  });
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => {
    buffer += chunk;
    let end = buffer.indexOf('\n\n');
    while (end !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      events.push({ event, data: data.join('\n') });
      waiters.shift()?.();
      end = buffer.indexOf('\n\n');
    }
  });
  const next = async (): Promise<string[]> => {
    if (events.length === 0) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no SSE event')), 5000);
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    const { event, data } = events.shift()!;
    const payload = event === 'json' ? (JSON.parse(data) as string) : data;
    return payload.split('\x1e');
  };
  return { res, next };
}

describe('SSE transport', () => {
  it('streams the open packet and messages, takes packets by POST', async () => {
    const test = await startEngine();
    const connection = nextConnection(test.engine);
    const stream = await openStream(test);
    expect(stream.res.headers['content-type']).toBe('text/event-stream; charset=UTF-8');
    const [openRecord] = await stream.next();
    const open = JSON.parse(openRecord.slice(1));
    expect(open.upgrades).toEqual(['websocket']);
    const socket: Socket = await connection;
    expect(socket.transport.name).toBe('sse');

    socket.send('one');
    socket.send('two\nlines\r\n');
    socket.send(Buffer.from([1, 2]));
    expect(await stream.next()).toEqual(['4one', '4two\nlines\r\n', 'bAQI=']);

    const received = waitFor<[string]>(socket, 'message');
    const post = await http(test.url({ EIO: '4', transport: 'sse', sid: open.sid }), { method: 'POST', body: '4up' });
    expect(post.body).toBe('ok');
    expect((await received)[0]).toBe('up');

    // The stream is bound to its session: no second GET.
    const again = await http(test.url({ EIO: '4', transport: 'sse', sid: open.sid }));
    expect(again.status).toBe(400);

    const closed = waitFor<[string]>(socket, 'close');
    stream.res.destroy();
    expect((await closed)[0]).toBe('transport close');
  });

  it('answers pings by POST and closes with a close event', async () => {
    const test = await startEngine({ pingInterval: 50, pingTimeout: 200 });
    const connection = nextConnection(test.engine);
    const stream = await openStream(test);
    const sid = JSON.parse((await stream.next())[0].slice(1)).sid;
    const socket: Socket = await connection;
    expect(await stream.next()).toEqual(['2']);
    const beat = waitFor(socket, 'heartbeat');
    await http(test.url({ EIO: '4', transport: 'sse', sid }), { method: 'POST', body: '3' });
    await beat;
    socket.close();
    expect(await stream.next()).toEqual(['1']);
  });

  it('is never offered to polling clients', async () => {
    const test = await startEngine();
    const { open } = await pollingHandshake(test);
    expect(open.upgrades).toEqual(['websocket']);
  });

  it('is refused when not in transports', async () => {
    const test = await startEngine({ transports: ['polling', 'websocket'] });
    const res = await http(test.url({ EIO: '4', transport: 'sse' }));
    expect(JSON.parse(res.body)).toEqual({ code: 0, message: 'Transport unknown' });
  });

  it('encodes payloads with line breaks losslessly', () => {
    expect(encodeSseEvent('4plain')).toBe('data: 4plain\n\n');
    expect(encodeSseEvent('4a\nb')).toBe('event: json\ndata: "4a\\nb"\n\n');
    expect(encodeSseEvent('4a\rb')).toBe('event: json\ndata: "4a\\rb"\n\n');
  });
});
