/**
 * Bad input never crashes the server: each offender gets its error (HTTP status, WebSocket close
 * code, session close reason) and a healthy client in the same test keeps working.
 */
import { request as httpRequest } from 'node:http';
import { type Socket as NetSocket, connect as netConnect } from 'node:net';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { waitFor } from '../support/wait.js';
import { onCleanup } from './cleanup.js';
import { nextConnection, pollingSession, startEngine, type TestEngine, untilPollParked } from './helpers.js';
import { http, rawWebSocket } from './raw-clients.js';

/** A healthy WebSocket session: proves the server still serves everyone else. */
async function healthyClient(test: TestEngine) {
  const connection = nextConnection(test.engine);
  const client = await rawWebSocket(test.url({ EIO: '4', transport: 'websocket' }));
  await client.next();
  const socket = await connection;
  return {
    async check() {
      const echoed = waitFor<[string]>(socket, 'message');
      client.ws.send('4still here');
      expect((await echoed)[0]).toBe('still here');
      socket.send('pong');
      expect(await client.next()).toBe('4pong');
      expect(socket.readyState).toBe('open');
    },
  };
}

function socketOf(ws: WebSocket): NetSocket {
  return (ws as unknown as { _socket: NetSocket })._socket;
}

describe('bad input over polling', () => {
  it('garbage and empty bodies: "parse error" after the packets before it, and "ok" (as engine.io)', async () => {
    const test = await startEngine();
    const healthy = await healthyClient(test);
    const cases: Array<[string, string[]]> = [
      ['\u0000\u00ffgarbage', []],
      ['', []],
      ['4ok\x1e', ['ok']],
      ['4one\x1e4two\x1ebnot*base64\x1e4never', ['one', 'two']],
      ['9', []],
    ];
    for (const [body, delivered] of cases) {
      const { socket, url } = await pollingSession(test);
      const messages: string[] = [];
      socket.on('message', (data: string) => messages.push(data));
      const closed = waitFor<[string, Error]>(socket, 'close');
      const res = await http(url, { method: 'POST', body });
      expect([res.status, res.body, res.headers['content-type']], JSON.stringify(body)).toEqual([
        200,
        'ok',
        'text/html',
      ]);
      const [reason, description] = await closed;
      expect(reason).toBe('parse error');
      expect(description).toBeInstanceOf(Error);
      expect(messages).toEqual(delivered);
    }
    await healthy.check();
  });

  it('oversized bodies: a bare 413, declared or streamed, and the session stays open (as engine.io)', async () => {
    const test = await startEngine({ maxHttpBufferSize: 100 });
    const healthy = await healthyClient(test);

    const declared = await pollingSession(test);
    const res = await http(declared.url, { method: 'POST', body: `4${'x'.repeat(200)}` });
    expect([res.status, res.body]).toEqual([413, '']);
    expect(res.headers.connection).toBe('close');

    const streamed = await pollingSession(test);
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = streamedPost(streamed.url, resolve, reject);
      req.write(`4${'y'.repeat(60)}`);
      req.write('z'.repeat(60));
      req.end();
    });
    expect(chunked).toBe(413);
    for (const { socket, url } of [declared, streamed]) {
      expect(socket.readyState).toBe('open');
      const message = waitFor<[string]>(socket, 'message');
      expect((await http(url, { method: 'POST', body: '4small' })).status).toBe(200);
      expect((await message)[0]).toBe('small');
    }

    // Exactly at the limit is fine.
    const fits = await pollingSession(test);
    const message = waitFor<[string]>(fits.socket, 'message');
    expect((await http(fits.url, { method: 'POST', body: `4${'a'.repeat(99)}` })).status).toBe(200);
    expect((await message)[0]).toHaveLength(99);
    await healthy.check();
  });

  it('unknown sids and bad methods on a session', async () => {
    const test = await startEngine();
    const healthy = await healthyClient(test);
    const { url, socket } = await pollingSession(test);
    for (const method of ['GET', 'POST']) {
      const res = await http(test.url({ EIO: '4', transport: 'polling', sid: 'unknown-sid' }), {
        method,
        body: method === 'POST' ? '4x' : undefined,
      });
      expect(JSON.parse(res.body)).toEqual({ code: 1, message: 'Session ID unknown' });
    }
    // engine.io answers any other method on a session with a bare 500.
    const put = await http(url, { method: 'PUT', body: '4x' });
    expect([put.status, put.body]).toEqual([500, '']);
    expect(socket.readyState).toBe('open');
    await healthy.check();
  });

  it('concurrent GETs: the second is refused and the session closes with "transport error"', async () => {
    const test = await startEngine();
    const healthy = await healthyClient(test);
    const { socket, url } = await pollingSession(test);
    const closed = waitFor<[string]>(socket, 'close');
    const first = http(url);
    await untilPollParked(socket);
    const second = await http(url);
    expect([second.status, second.body]).toEqual([400, '']);
    expect((await closed)[0]).toBe('transport error');
    expect((await first).body).toBe('1');
    await healthy.check();
  });

  it('concurrent POSTs: the second is refused and the session closes', async () => {
    const test = await startEngine();
    const { socket, url } = await pollingSession(test);
    const closed = waitFor<[string]>(socket, 'close');
    // The engine's request listener came first, so it holds the first POST when this one runs.
    const firstArrived = waitFor(test.httpServer, 'request');
    const slow = new Promise<number>((resolve, reject) => {
      const req = streamedPost(url, resolve, reject);
      req.write('4part');
      onCleanup(() => req.destroy());
    });
    await firstArrived;
    const second = await http(url, { method: 'POST', body: '4x' });
    expect(second.status).toBe(400);
    expect((await closed)[0]).toBe('transport error');
    void slow.catch(() => {});
  });

  it('a binary (application/octet-stream) POST: a bare 400 and "transport error", as engine.io', async () => {
    const test = await startEngine();
    const { socket, url } = await pollingSession(test);
    const closed = waitFor<[string, Error]>(socket, 'close');
    const res = await http(url, {
      method: 'POST',
      body: '4x',
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect([res.status, res.body]).toEqual([400, '']);
    const [reason, description] = await closed;
    expect([reason, description.message]).toEqual(['transport error', 'invalid content']);
  });

  it('half-open connections: an abandoned poll closes its session; a stalled request harms nobody', async () => {
    const test = await startEngine();
    const healthy = await healthyClient(test);

    // A client whose pending GET connection vanishes.
    const { socket, sid } = await pollingSession(test);
    const closed = waitFor<[string]>(socket, 'close');
    const raw = netConnect(test.port, '127.0.0.1');
    onCleanup(() => raw.destroy());
    await waitFor(raw, 'connect');
    raw.write(`GET /engine.io/?EIO=4&transport=polling&sid=${sid} HTTP/1.1\r\nHost: x\r\n\r\n`);
    await untilPollParked(socket);
    raw.destroy();
    // engine.io's reason for a poll that goes away.
    expect((await closed)[0]).toBe('transport error');

    // Requests that never finish their headers or body.
    const stalled = netConnect(test.port, '127.0.0.1');
    onCleanup(() => stalled.destroy());
    await waitFor(stalled, 'connect');
    stalled.write('GET /engine.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\n');
    const stalledUpgrade = netConnect(test.port, '127.0.0.1');
    onCleanup(() => stalledUpgrade.destroy());
    await waitFor(stalledUpgrade, 'connect');
    stalledUpgrade.write(
      'GET /engine.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
    );
    await healthy.check();
    const other = await pollingSession(test);
    expect(other.socket.readyState).toBe('open');
  });
});

describe('bad input over WebSocket', () => {
  it('an undecodable packet: "parse error" and a close frame without a code (1005), as engine.io', async () => {
    const test = await startEngine();
    const healthy = await healthyClient(test);
    for (const bad of ['', '9nine', 'x']) {
      const connection = nextConnection(test.engine);
      const client = await rawWebSocket(test.url({ EIO: '4', transport: 'websocket' }));
      const socket = await connection;
      const closed = waitFor<[string]>(socket, 'close');
      const wsClosed = waitFor<[number]>(client.ws, 'close');
      client.ws.send(bad);
      expect((await closed)[0]).toBe('parse error');
      expect((await wsClosed)[0]).toBe(1005);
    }
    await healthy.check();
  });

  it('open, upgrade and noop packets from the client are ignored; a ping is a "transport error"', async () => {
    const test = await startEngine();
    const connection = nextConnection(test.engine);
    const client = await rawWebSocket(test.url({ EIO: '4', transport: 'websocket' }));
    await client.next();
    const socket = await connection;
    const message = waitFor<[string]>(socket, 'message');
    for (const packet of ['0{}', '5', '6', '4still open']) client.ws.send(packet);
    expect((await message)[0]).toBe('still open');
    const closed = waitFor<[string, Error]>(socket, 'close');
    client.ws.send('2');
    const [reason, description] = await closed;
    expect(reason).toBe('transport error');
    expect(description.message).toBe('invalid heartbeat direction');
  });

  it('an oversized message: close 1009 and "transport error"', async () => {
    const test = await startEngine({ maxHttpBufferSize: 1000 });
    const healthy = await healthyClient(test);
    const connection = nextConnection(test.engine);
    const client = await rawWebSocket(test.url({ EIO: '4', transport: 'websocket' }));
    const socket = await connection;
    const closed = waitFor<[string, Error & { code?: string }]>(socket, 'close');
    const wsClosed = waitFor<[number]>(client.ws, 'close');
    client.ws.send(`4${'x'.repeat(2000)}`);
    const [reason, error] = await closed;
    expect(reason).toBe('transport error');
    expect(error.code).toBe('PAYLOAD_TOO_LARGE');
    expect((await wsClosed)[0]).toBe(1009);
    await healthy.check();
  });

  it('invalid frames (unmasked frame, invalid UTF-8): "transport error"', async () => {
    const test = await startEngine();
    const healthy = await healthyClient(test);
    const frames = [
      Buffer.from([0x81, 0x02, 0x34, 0x78]), // unmasked text frame from a client
      Buffer.from([0x81, 0x82, 0, 0, 0, 0, 0x34, 0xff]), // masked, but invalid UTF-8
      Buffer.from([0x83, 0x80, 0, 0, 0, 0]), // reserved opcode
    ];
    for (const frame of frames) {
      const connection = nextConnection(test.engine);
      const client = await rawWebSocket(test.url({ EIO: '4', transport: 'websocket' }));
      const socket = await connection;
      const closed = waitFor<[string]>(socket, 'close');
      socketOf(client.ws).write(frame);
      expect((await closed)[0]).toBe('transport error');
    }
    await healthy.check();
  });

  it('malformed upgrade requests are refused', async () => {
    const test = await startEngine();
    const healthy = await healthyClient(test);
    const raw = netConnect(test.port, '127.0.0.1');
    onCleanup(() => raw.destroy());
    await waitFor(raw, 'connect');
    let answer = '';
    raw.on('data', (chunk: Buffer) => {
      answer += chunk.toString();
    });
    raw.write(
      'GET /engine.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: short\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    await waitFor(raw, 'close');
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    await healthy.check();
    expect(WebSocket.OPEN).toBe(1);
  });
});

/** A POST whose body the test writes piece by piece (chunked, no Content-Length). */
function streamedPost(url: string, resolve: (status: number) => void, reject: (error: Error) => void) {
  const req = httpRequest(url, { method: 'POST', agent: false }, (res) => {
    res.resume();
    resolve(res.statusCode ?? 0);
  });
  req.on('error', reject);
  return req;
}
