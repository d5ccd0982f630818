/**
 * The bytes of Engine.IO v3 as Parley and the official socket.io server (both with allowEIO3)
 * put them on the wire, compared exchange by exchange with raw HTTP and WebSocket clients:
 * payload framing (text, binary, base64), heartbeats, refusals and binary WebSocket frames.
 */
import { once } from 'node:events';
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type AnyIo, SERVER_KINDS, type ServerKind, startV2Server, waitFor } from '../support/v2-client.js';

interface RawResponse {
  status: number;
  type: string | undefined;
  body: Buffer;
}

function send(port: number, query: string, method = 'GET', body?: string | Buffer, type?: string) {
  return new Promise<RawResponse>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method, path: `/socket.io/?${query}`, headers: type ? { 'Content-Type': type } : {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body: Buffer.concat(chunks) }),
        );
      },
    );
    req.setTimeout(5000, () => req.destroy(new Error('no answer')));
    req.on('error', reject);
    req.end(body);
  });
}

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`nothing within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A v3 text payload record: the length in UTF-16 units, `:`, the packet. */
const record = (packet: string) => `${packet.length}:${packet}`;

/** Handshakes over polling and reads until the main namespace's CONNECT (`40`) has come. */
async function pollingSession(port: number, kind: ServerKind, extra = '') {
  const first = await send(port, `EIO=3&transport=polling${extra}`);
  const text = first.body.toString();
  const sid = JSON.parse(text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1)).sid as string;
  const query = `EIO=3&transport=polling&sid=${sid}${extra}`;
  // socket.io answers the handshake alone and sends `40` next; Parley may join them.
  let received = text;
  for (let polls = 0; !received.endsWith(record('40')); polls++) {
    const res = await send(port, query);
    if (res.status !== 200 || polls === 3) throw new Error(`no CONNECT for the main namespace: ${received}`);
    received += res.body.toString();
  }
  return { sid, query, kind };
}

async function withServer(kind: ServerKind, options: Record<string, unknown> = {}) {
  const server = await startV2Server(kind, options);
  const connection = waitFor<[AnyIo]>(server.io, 'connection');
  return { ...server, connection };
}

/** Runs `scenario` on both servers and returns both results, Parley's first. */
async function onBoth<T>(scenario: (kind: ServerKind) => Promise<T>): Promise<[T, T]> {
  const results = [];
  for (const kind of SERVER_KINDS) results.push(await scenario(kind));
  return results as [T, T];
}

describe('Engine.IO v3 on the wire, Parley against socket.io', () => {
  it('opens with a length-prefixed handshake carrying the same fields', async () => {
    const [parley, official] = await onBoth(async (kind) => {
      const { port } = await withServer(kind, { pingInterval: 1000, pingTimeout: 500 });
      const res = await send(port, 'EIO=3&transport=polling');
      const text = res.body.toString();
      const open = text.slice(0, text.lastIndexOf('}') + 1);
      const handshake = JSON.parse(open.slice(open.indexOf('{')));
      expect(open.startsWith(`${open.length - open.indexOf(':') - 1}:0{`)).toBe(true);
      return { status: res.status, type: res.type, handshake: { ...handshake, sid: typeof handshake.sid } };
    });
    expect(parley).toEqual(official);
  });

  it('answers the client ping with a pong', async () => {
    const [parley, official] = await onBoth(async (kind) => {
      const { port } = await withServer(kind);
      const { query } = await pollingSession(port, kind);
      const posted = await send(port, query, 'POST', record('2'), 'text/plain;charset=UTF-8');
      const answer = await send(port, query);
      return { posted: posted.status, answer: answer.body.toString(), type: answer.type };
    });
    expect(parley).toEqual(official);
    expect(parley.answer).toBe('1:3');
  });

  it('times out a client that stops pinging', async () => {
    await onBoth(async (kind) => {
      const { port, io } = await withServer(kind, { pingInterval: 100, pingTimeout: 100 });
      // Listening from the start: the timeout may come before a slow test gets the socket.
      const disconnected = new Promise<unknown>((resolve) =>
        io.on('connection', (socket: AnyIo) => socket.on('disconnect', resolve)),
      );
      // The handshake only: the client never polls nor pings again.
      expect((await send(port, 'EIO=3&transport=polling')).status).toBe(200);
      expect(await within(disconnected, 5000)).toBe('ping timeout');
    });
  });

  it('frames binary as a binary payload, or as b4 base64 for a b64 client', async () => {
    const [parley, official] = await onBoth(async (kind) => {
      const results: Record<string, unknown> = {};
      for (const extra of ['', '&b64=1']) {
        const { port, connection } = await withServer(kind);
        const { query } = await pollingSession(port, kind, extra);
        const [socket] = await connection;
        socket.emit('file', 'é', Buffer.from([1, 2, 3]));
        const res = await send(port, query);
        results[extra || 'binary'] = { type: res.type, body: extra ? res.body.toString() : [...res.body] };
      }
      return results;
    });
    expect(parley).toEqual(official);
    expect(parley['&b64=1']).toEqual({
      type: 'text/plain; charset=UTF-8',
      body: `${record('451-["file","é",{"_placeholder":true,"num":0}]')}${record('b4AQID')}`,
    });
  });

  it('reads binary payloads POSTed as application/octet-stream, and text ones', async () => {
    const [parley, official] = await onBoth(async (kind) => {
      const { port, connection } = await withServer(kind);
      const { query } = await pollingSession(port, kind);
      const [socket] = await connection;
      const received = waitFor(socket, 'upload');
      const event = Buffer.from('451-["upload","✓",{"_placeholder":true,"num":0}]');
      const body = Buffer.concat([
        Buffer.from([0, ...String(event.length).split('').map(Number), 255]),
        event,
        Buffer.from([1, 4, 255, 4, 9, 8, 7]),
      ]);
      const posted = await send(port, query, 'POST', body, 'application/octet-stream');
      const [text, bytes] = await received;
      const second = waitFor(socket, 'note');
      await send(port, query, 'POST', record('42["note","ünï"]'), 'text/plain;charset=UTF-8');
      return { posted: posted.status, text, bytes: [...(bytes as Buffer)], note: (await second)[0] };
    });
    expect(parley).toEqual(official);
    expect(parley).toMatchObject({ text: '✓', bytes: [9, 8, 7], note: 'ünï' });
  });

  it('sends and reads binary WebSocket frames behind a type byte', async () => {
    const [parley, official] = await onBoth(async (kind) => {
      const { port, connection } = await withServer(kind);
      const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=3&transport=websocket`);
      const frames: Array<string | number[]> = [];
      let notify: () => void = () => {};
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        frames.push(isBinary ? [...data] : data.toString());
        notify();
      });
      const framesUntil = (count: number) =>
        new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`only ${frames.length} frames`)), 5000);
          notify = () => {
            if (frames.length >= count) {
              clearTimeout(timer);
              resolve();
            }
          };
          notify();
        });
      try {
        const [socket] = await connection;
        await framesUntil(2);
        socket.on('echo', (data: Buffer, ack: (d: Buffer) => void) => ack(data));
        ws.send('451-0["echo",{"_placeholder":true,"num":0}]');
        ws.send(Buffer.from([4, 5, 6]));
        await framesUntil(4);
        ws.send('2');
        await framesUntil(5);
        return frames.slice(2);
      } finally {
        ws.close();
      }
    });
    expect(parley).toEqual(official);
    expect(parley).toEqual(['461-0[{"_placeholder":true,"num":0}]', [4, 5, 6], '3']);
  });

  it('refuses v3 polling without allowEIO3 with the same status and body, after allowRequest', async () => {
    const [parley, official] = await onBoth(async (kind) => {
      const { port } = await withServer(kind, { allowEIO3: false });
      const polling = await send(port, 'EIO=3&transport=polling');
      const noVersion = await send(port, 'transport=polling');
      const refuse = (_req: unknown, callback: (err: string, ok: boolean) => void) => callback('no', false);
      const guarded = await withServer(kind, { allowEIO3: false, allowRequest: refuse });
      const forbidden = await send(guarded.port, 'EIO=3&transport=polling');
      const show = (res: RawResponse) => ({ status: res.status, body: res.body.toString() });
      return { polling: show(polling), noVersion: show(noVersion), forbidden: show(forbidden) };
    });
    expect(parley).toEqual(official);
    expect(parley.polling).toEqual({ status: 400, body: '{"code":5,"message":"Unsupported protocol version"}' });
    expect(parley.forbidden).toEqual({ status: 403, body: '{"code":4,"message":"no"}' });
  });

  // socket.io completes the WebSocket handshake and then writes its refusal onto the upgraded
  // socket, which clients report as an invalid frame; Parley answers the upgrade request itself.
  // engine.io makes this check only after the 101, then writes its 400 into the WebSocket (the
  // client sees an invalid frame); Parley refuses before upgrading, with the answer engine.io
  // gives every other refused upgrade (README, Compatibility).
  it('refuses a v3 WebSocket without allowEIO3 with a 400 and the message as text', async () => {
    const { port } = await withServer('parley', { allowEIO3: false });
    const refusal = await new Promise<{ status: number; type: unknown; body: string }>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=3&transport=websocket`);
      ws.on('unexpected-response', (_req, res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            type: res.headers['content-type'],
            body: Buffer.concat(chunks).toString(),
          }),
        );
      });
      ws.on('open', () => reject(new Error('upgraded')));
    });
    expect(refusal).toEqual({ status: 400, type: 'text/html', body: 'Unsupported protocol version' });
  });

  it('refuses a v3 request for a v4 session', async () => {
    const [parley, official] = await onBoth(async (kind) => {
      const { port } = await withServer(kind);
      const open = (await send(port, 'EIO=4&transport=polling')).body.toString();
      const sid = JSON.parse(open.slice(1)).sid;
      const res = await send(port, `EIO=3&transport=polling&sid=${sid}`);
      return { status: res.status, body: res.body.toString() };
    });
    expect(parley).toEqual(official);
    expect(parley).toEqual({ status: 400, body: '{"code":3,"message":"Bad request"}' });
  });
});

describe('Engine.IO v3 bad input on Parley', () => {
  it('closes only the session that sent a malformed payload or frame', async () => {
    const { port, io } = await withServer('parley');
    const reasons: unknown[] = [];
    io.on('connection', (socket: AnyIo) => socket.on('disconnect', (reason: unknown) => reasons.push(reason)));
    const bodies: Array<[string | Buffer, string]> = [
      ['7:4short', 'text/plain;charset=UTF-8'],
      [Buffer.from([0, 9, 9, 255, 52]), 'application/octet-stream'],
      [Buffer.from([7, 1, 255, 4]), 'application/octet-stream'],
    ];
    for (const [body, type] of bodies) {
      const { query } = await pollingSession(port, 'parley');
      const res = await send(port, query, 'POST', body, type);
      // As engine.io: the POST is answered "ok", and the undecodable payload ends the session.
      expect(res.status).toBe(200);
      expect((await send(port, query)).status).toBe(400);
    }
    const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=3&transport=websocket`);
    await once(ws, 'open', { signal: AbortSignal.timeout(5000) });
    ws.send(Buffer.from([12, 1]));
    await once(ws, 'close', { signal: AbortSignal.timeout(5000) });
    // A namespace that is no URL path (socket.io parses a v2 client's namespaces as URLs).
    const ws2 = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=3&transport=websocket`);
    await once(ws2, 'open', { signal: AbortSignal.timeout(5000) });
    ws2.send('40//[,');
    await once(ws2, 'close', { signal: AbortSignal.timeout(5000) });
    // The last is a Socket.IO-level violation: as socket.io, the connection is closed ('forced close').
    expect(reasons).toEqual(['parse error', 'parse error', 'parse error', 'parse error', 'forced close']);
    // The server still serves v3 clients.
    await pollingSession(port, 'parley');
  });

  it('offers v3 clients no SSE, a transport engine.io does not have', async () => {
    const { port } = await withServer('parley');
    const res = await send(port, 'EIO=3&transport=sse');
    expect({ status: res.status, body: res.body.toString() }).toEqual({
      status: 400,
      body: '{"code":0,"message":"Transport unknown"}',
    });
  });

  it('refuses a binary POST larger than maxHttpBufferSize', async () => {
    const { port } = await withServer('parley', { maxHttpBufferSize: 100 });
    const { query } = await pollingSession(port, 'parley');
    const res = await send(port, query, 'POST', Buffer.alloc(200, 1), 'application/octet-stream');
    expect(res.status).toBe(413);
  });
});
