import { describe, expect, it } from 'vitest';
import { prepareMessage, type Socket } from '../../src/engine/index.js';
import { until, waitFor, within } from '../support/wait.js';
import { nextConnection, pollingHandshake, pollingSession, startEngine, untilPollParked } from './helpers.js';
import { http, rawWebSocket } from './raw-clients.js';

describe('messages over polling', () => {
  it('delivers text and binary both ways, batched with the record separator', async () => {
    const test = await startEngine();
    const { sid, socket } = await pollingSession(test);
    const received: Array<string | Buffer> = [];
    const packets: string[] = [];
    socket.on('message', (data: string | Buffer) => received.push(data));
    socket.on('data', (data: string | Buffer) => expect(received.at(-1) ?? data).toBeDefined());
    socket.on('packet', (packet: { type: string }) => packets.push(packet.type));
    const sessionUrl = test.url({ EIO: '4', transport: 'polling', sid });

    const post = await http(sessionUrl, { method: 'POST', body: '4hello\x1ebAQIDBA==\x1e4€ unicode' });
    expect(post.status).toBe(200);
    expect(post.body).toBe('ok');
    expect(received).toEqual(['hello', Buffer.from([1, 2, 3, 4]), '€ unicode']);
    expect(Buffer.isBuffer(received[1])).toBe(true);
    expect(packets).toEqual(['message', 'message', 'message']);

    const created: unknown[] = [];
    socket.on('packetCreate', (packet: { type: string }) => created.push(packet.type));
    socket.send('hi');
    socket.write(Buffer.from([5, 6]));
    socket.send(new Uint8Array([7]));
    expect(created).toEqual(['message', 'message', 'message']);
    const res = await http(sessionUrl);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=UTF-8');
    expect(res.body).toBe('4hi\x1ebBQY=\x1ebBw==');
  });

  it('coalesces the sends of one event-loop turn into one response, and holds a GET until there is data', async () => {
    const test = await startEngine();
    const { sid, socket } = await pollingSession(test);
    const pending = http(test.url({ EIO: '4', transport: 'polling', sid }));
    // The GET is parked by the server until something is sent.
    await untilPollParked(socket);
    for (let i = 0; i < 5; i++) socket.send(`m${i}`);
    const res = await pending;
    expect(res.body).toBe('4m0\x1e4m1\x1e4m2\x1e4m3\x1e4m4');
  });

  it('answers a handshake with the open packet and whatever the connection handler sent', async () => {
    const test = await startEngine();
    test.engine.on('connection', (socket: Socket) => socket.send('welcome'));
    const { body } = await pollingHandshake(test);
    expect(body.split('\x1e')[1]).toBe('4welcome');
  });

  it('calls send callbacks once the data is written and emits drain', async () => {
    const test = await startEngine();
    const { sid, socket } = await pollingSession(test);
    const written = new Promise<void>((resolve) => socket.send('x', {}, resolve));
    const drained = waitFor(socket, 'drain');
    await http(test.url({ EIO: '4', transport: 'polling', sid }));
    await within(written, 5000, 'the send callback');
    await drained;
    expect(socket.readyState).toBe('open');
  });

  it('compresses large responses when the client accepts gzip, not small ones', async () => {
    const test = await startEngine();
    const { sid, socket } = await pollingSession(test);
    const url = test.url({ EIO: '4', transport: 'polling', sid });
    socket.send('a'.repeat(5000));
    const { request } = await import('node:http');
    const { gunzipSync } = await import('node:zlib');
    const raw = await new Promise<{ headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
      request(url, { headers: { 'accept-encoding': 'gzip, deflate' }, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
      })
        .on('error', reject)
        .end();
    });
    expect(raw.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(raw.body).toString()).toBe(`4${'a'.repeat(5000)}`);
    socket.send('small');
    const small = await http(url, { headers: { 'accept-encoding': 'gzip' } });
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(small.body).toBe('4small');
    socket.send('b'.repeat(5000), { compress: false });
    const uncompressed = await http(url, { headers: { 'accept-encoding': 'gzip' } });
    expect(uncompressed.headers['content-encoding']).toBeUndefined();
  });
});

describe('messages over WebSocket', () => {
  it('delivers text and binary both ways, one packet per frame', async () => {
    const test = await startEngine();
    const connection = nextConnection(test.engine);
    const client = await rawWebSocket(test.url({ EIO: '4', transport: 'websocket' }));
    await client.next(); // open packet
    const socket = await connection;
    const received: Array<string | Buffer> = [];
    socket.on('message', (data: string | Buffer) => received.push(data));
    client.ws.send('4hello');
    client.ws.send(Buffer.from([1, 2, 3]));
    await until(() => received.length === 2);
    expect(received).toEqual(['hello', Buffer.from([1, 2, 3])]);

    socket.send('hi');
    socket.send(Buffer.from([9, 8]));
    socket.send('€'.repeat(70_000));
    expect(await client.next()).toBe('4hi');
    expect(await client.next()).toEqual(Buffer.from([9, 8]));
    expect(await client.next()).toBe(`4${'€'.repeat(70_000)}`);
  });

  it('interleaves pre-built frames correctly with the frames ws writes itself (pongs)', async () => {
    const test = await startEngine();
    const connection = nextConnection(test.engine);
    const client = await rawWebSocket(test.url({ EIO: '4', transport: 'websocket' }));
    await client.next();
    const socket = await connection;
    let pongs = 0;
    client.ws.on('pong', () => pongs++);
    const echo = (data: string | Buffer) => socket.send(data);
    socket.on('message', echo);
    for (let i = 0; i < 50; i++) {
      client.ws.ping(`p${i}`);
      client.ws.send(`4m${i}`);
    }
    const echoed: Array<string | Buffer> = [];
    for (let i = 0; i < 50; i++) echoed.push(await client.next());
    expect(echoed).toEqual(Array.from({ length: 50 }, (_, i) => `4m${i}`));
    await until(() => pongs === 50);
  });

  it('works with permessage-deflate negotiated (falls back to ws for framing)', async () => {
    const test = await startEngine({ perMessageDeflate: { threshold: 0 } });
    const connection = nextConnection(test.engine);
    const { default: WebSocket } = await import('ws');
    const ws = new WebSocket(test.url({ EIO: '4', transport: 'websocket' }).replace('http', 'ws'), {
      perMessageDeflate: true,
    });
    const messages: Array<string | Buffer> = [];
    ws.on('message', (data: Buffer, isBinary: boolean) => messages.push(isBinary ? data : data.toString()));
    await waitFor(ws, 'open');
    expect(ws.extensions).toContain('permessage-deflate');
    const socket = await connection;
    socket.send('x'.repeat(2000));
    socket.send(Buffer.from([1, 2, 3]));
    const shared = prepareMessage('shared');
    socket.sendPrepared(shared);
    await until(() => messages.length >= 4);
    expect(messages.slice(1)).toEqual([`4${'x'.repeat(2000)}`, Buffer.from([1, 2, 3]), '4shared']);
    ws.terminate();
  });
});

describe('prepareMessage', () => {
  it('sends one encoded message to many sessions over every transport', async () => {
    const test = await startEngine();
    const sessions: Socket[] = [];
    test.engine.on('connection', (socket: Socket) => sessions.push(socket));
    const wsClients = await Promise.all(
      [1, 2, 3].map(() => rawWebSocket(test.url({ EIO: '4', transport: 'websocket' }))),
    );
    for (const client of wsClients) await client.next();
    const polling = await pollingHandshake(test);
    expect(sessions).toHaveLength(4);

    const text = prepareMessage('to everyone');
    const binary = prepareMessage(Buffer.from([1, 2, 3]));
    for (const socket of Object.values(test.engine.clients)) {
      socket.sendPrepared(text);
      socket.sendPrepared(binary);
    }
    for (const client of wsClients) {
      expect(await client.next()).toBe('4to everyone');
      expect(await client.next()).toEqual(Buffer.from([1, 2, 3]));
    }
    const res = await http(test.url({ EIO: '4', transport: 'polling', sid: polling.sid }));
    expect(res.body).toBe('4to everyone\x1ebAQID');
  });

  it('rejects values that are not messages', () => {
    expect(() => prepareMessage(42 as unknown as string)).toThrow(TypeError);
  });
});
