/**
 * Side by side with the official socket.io server: both on `http2.createSecureServer({ allowHTTP1:
 * true })` (socket.io-client over HTTP/1.1 and WebSocket, raw HTTP/2 requests for polling, CORS,
 * errors, compression and the bundle routes, with no HTTP/1-only header ever set on an HTTP/2
 * response), then the ways a server is constructed, attached and closed.
 */
import { once } from 'node:events';
import { createServer, type Server as HttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  type ClientHttp2Session,
  connect,
  constants,
  createSecureServer,
  type Http2SecureServer,
  Http2ServerResponse,
  type IncomingHttpHeaders,
} from 'node:http2';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { Server as OfficialServer } from 'socket.io';
import { type Socket as ClientSocket, io as ioc } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Server as ParleyServer } from '../src/index.js';
import { rawRequest } from './support/raw-http.js';
import { type AnyServer, IMPLEMENTATIONS, onTeardown } from './support/side-by-side.js';
import { cert, key } from './support/tls-certificate.js';
import { TRANSPORT_MODES, transportsFor } from './support/transport-modes.js';
import { until, waitFor, within } from './support/wait.js';

// biome-ignore lint/suspicious/noExplicitAny: one scenario drives two server classes
type AnyServerClass = new (...args: any[]) => AnyServer;
const CLASSES: Array<[string, AnyServerClass]> = [
  ['parley', ParleyServer as unknown as AnyServerClass],
  ['socket.io', OfficialServer as unknown as AnyServerClass],
];

/** The two servers, each on an HTTP/2 server. */
const H2_IMPLEMENTATIONS: Array<[string, (http: Http2SecureServer, options: Record<string, unknown>) => AnyServer]> = [
  ['parley', (http, options) => new ParleyServer(http, options)],
  ['socket.io', (http, options) => new OfficialServer(http, options)],
];

/** Header names HTTP/2 forbids (RFC 9113 8.2.2): Node drops them with a warning, or throws. */
const CONNECTION_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection']);

/**
 * Every header name an HTTP/2 response was given through the compatibility API, recorded from
 * `writeHead` and `setHeader`: a forbidden one never reaches the client (Node drops it, warning
 * once per process), so it must be caught where it is set.
 */
const http2HeaderNames: string[] = [];
const originalWriteHead = Http2ServerResponse.prototype.writeHead;
const originalSetHeader = Http2ServerResponse.prototype.setHeader;
beforeAll(() => {
  const record = (headers: unknown) => {
    if (headers !== null && typeof headers === 'object' && !Array.isArray(headers))
      for (const name of Object.keys(headers)) http2HeaderNames.push(name.toLowerCase());
  };
  Http2ServerResponse.prototype.writeHead = function (this: Http2ServerResponse, ...args: unknown[]) {
    record(typeof args[1] === 'string' ? args[2] : args[1]);
    return (originalWriteHead as (...a: unknown[]) => Http2ServerResponse).apply(this, args);
  } as typeof originalWriteHead;
  Http2ServerResponse.prototype.setHeader = function (this: Http2ServerResponse, name: string, value: unknown) {
    http2HeaderNames.push(name.toLowerCase());
    return (originalSetHeader as (n: string, v: unknown) => Http2ServerResponse).call(this, name, value);
  } as typeof originalSetHeader;
});
afterAll(() => {
  Http2ServerResponse.prototype.writeHead = originalWriteHead;
  Http2ServerResponse.prototype.setHeader = originalSetHeader;
});

function expectNoConnectionHeaders(): void {
  expect(http2HeaderNames.filter((name) => CONNECTION_HEADERS.has(name))).toEqual([]);
}

interface H2Started {
  io: AnyServer;
  http: Http2SecureServer;
  url: string;
}

/** `io` of `factory` on an HTTP/2 server (HTTP/1.1 allowed) with the test certificate, port 0. */
async function startHttp2(
  factory: (http: Http2SecureServer, options: Record<string, unknown>) => AnyServer,
  options: Record<string, unknown> = {},
): Promise<H2Started> {
  const http = createSecureServer({ allowHTTP1: true, key, cert });
  const io = factory(http, options);
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  onTeardown(async () => {
    const closed = io.close();
    await within(closed, 10_000, 'io.close() of an HTTP/2 server');
  });
  return { io, http, url: `https://127.0.0.1:${(http.address() as AddressInfo).port}` };
}

/** An HTTP/2 client session (one connection, many streams, as a browser keeps), closed after the test. */
async function h2Session(url: string): Promise<ClientHttp2Session> {
  const session = connect(url, { rejectUnauthorized: false });
  session.on('error', () => {});
  onTeardown(() => session.destroy());
  await waitFor(session, 'connect');
  return session;
}

interface H2Response {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

function h2Request(
  session: ClientHttp2Session,
  headers: Record<string, string>,
  body?: string | Buffer,
  timeoutMs = 5000,
): Promise<H2Response> {
  return new Promise((resolve, reject) => {
    const stream = session.request(headers);
    const chunks: Buffer[] = [];
    let responseHeaders: IncomingHttpHeaders = {};
    const timer = setTimeout(() => {
      stream.close();
      reject(new Error(`no answer to ${headers[':method'] ?? 'GET'} ${headers[':path']} within ${timeoutMs} ms`));
    }, timeoutMs);
    stream.on('response', (received) => {
      responseHeaders = received;
    });
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    stream.on('end', () => {
      clearTimeout(timer);
      const bytes = Buffer.concat(chunks);
      resolve({
        status: Number(responseHeaders[':status']),
        headers: responseHeaders,
        body: bytes,
        text: bytes.toString(),
      });
    });
    stream.end(body);
  });
}

/** The headers two answers are compared by (`date` and the session id vary). */
function comparable(res: H2Response, drop: string[] = []): Record<string, unknown> {
  const headers: Record<string, unknown> = { ...res.headers };
  for (const name of ['date', ...drop]) delete headers[name];
  return { status: res.status, headers };
}

const POLLING = '/socket.io/?EIO=4&transport=polling';

/** A polling session over `session`, its Socket.IO CONNECT sent and answered; its query string. */
async function openPolling(session: ClientHttp2Session): Promise<string> {
  const handshake = await h2Request(session, { ':path': POLLING });
  const sid = (JSON.parse(handshake.text.slice(1)) as { sid: string }).sid;
  const query = `${POLLING}&sid=${sid}`;
  await h2Request(session, { ':path': query, ':method': 'POST', 'content-type': 'text/plain;charset=UTF-8' }, '40');
  const connect = await h2Request(session, { ':path': query });
  expect(connect.text).toMatch(/^40\{"sid":/);
  return query;
}

describe('HTTP/2 (http2.createSecureServer({ allowHTTP1: true }))', () => {
  describe.each(H2_IMPLEMENTATIONS)('%s: socket.io-client over HTTP/1.1', (_name, factory) => {
    function tlsClient(url: string, mode: (typeof TRANSPORT_MODES)[number]): ClientSocket {
      const socket = ioc(url, {
        transports: transportsFor[mode],
        forceNew: true,
        reconnection: false,
        rejectUnauthorized: false,
      });
      onTeardown(() => socket.disconnect());
      return socket;
    }

    it.each(TRANSPORT_MODES)('%s: connect, emit with ack, broadcast, disconnect', async (mode) => {
      const { io, url } = await startHttp2(factory);
      const serverReasons: string[] = [];
      io.on('connection', (socket: AnyServer) => {
        socket.on('echo', (value: unknown, ack: (v: unknown) => void) =>
          ack({ value, secure: socket.handshake.secure }),
        );
        socket.on('shout', (value: unknown) => socket.broadcast.emit('heard', value));
        socket.on('disconnect', (reason: string) => serverReasons.push(reason));
      });
      const [a, b] = [tlsClient(url, mode), tlsClient(url, mode)];
      await Promise.all([waitFor(a, 'connect'), waitFor(b, 'connect')]);
      if (mode === 'upgrade') {
        for (const socket of [a, b])
          if (socket.io.engine.transport.name !== 'websocket') await waitFor(socket.io.engine, 'upgrade');
      }
      expect(a.io.engine.transport.name).toBe(mode === 'polling' ? 'polling' : 'websocket');
      expect(await a.timeout(5000).emitWithAck('echo', 'hi')).toEqual({ value: 'hi', secure: true });
      const heard = waitFor(b, 'heard');
      a.emit('shout', 'all');
      expect(await heard).toEqual(['all']);

      const aGone = waitFor(a, 'disconnect');
      const [serverSide] = await io.in(a.id).fetchSockets();
      serverSide.disconnect();
      expect(await aGone).toEqual(['io server disconnect', undefined]);
      b.disconnect();
      await until(() => serverReasons.length === 2);
      expect(serverReasons.sort()).toEqual(['client namespace disconnect', 'server namespace disconnect']);
    });
  });

  it('same answers to raw HTTP/2 polling requests: handshake, POST, held GET, 413, errors, CORS preflight', async () => {
    const options = {
      cors: { origin: 'https://app.example', credentials: true },
      maxHttpBufferSize: 1000,
      cookie: { name: 'io', sameSite: 'strict' },
    };
    const results: Record<string, unknown>[] = [];
    for (const [, factory] of H2_IMPLEMENTATIONS) {
      const { io, url } = await startHttp2(factory, options);
      const session = await h2Session(url);
      const origin = { origin: 'https://app.example' };
      const result: Record<string, unknown> = {};
      io.on('connection', (socket: AnyServer) => {
        const { time: _time, issued: _issued, ...handshake } = socket.handshake;
        result.socketHandshake = { ...handshake, headers: { ...handshake.headers, ':authority': 'host' } };
        const request = socket.request;
        result.request = {
          url: request.url,
          method: request.method,
          httpVersion: request.httpVersion,
          encrypted: request.socket.encrypted === true,
          connectionAddress: request.connection.remoteAddress,
          conn: socket.conn.remoteAddress,
          protocol: socket.conn.protocol,
        };
      });
      const handshake = await h2Request(session, { ':path': POLLING, ...origin });
      const sid = (JSON.parse(handshake.text.slice(1)) as { sid: string }).sid;
      result.handshake = { ...comparable(handshake), body: handshake.text.replace(sid, '') };
      (result.handshake as { headers: Record<string, unknown> }).headers['set-cookie'] = String(
        handshake.headers['set-cookie'],
      ).replace(sid, '<sid>');
      const query = `${POLLING}&sid=${sid}`;
      const post = await h2Request(session, { ':path': query, ':method': 'POST', ...origin }, '40');
      result.post = { ...comparable(post), body: post.text };
      const connectAnswer = await h2Request(session, { ':path': query, ...origin });
      result.connect = { ...comparable(connectAnswer, ['content-length']), body: connectAnswer.text.slice(0, 2) };

      // A GET held until the server has something to say.
      const [serverSocket] = await io.fetchSockets();
      const held = h2Request(session, { ':path': query, ...origin });
      await until(() => serverSocket.conn.transport.writable === true);
      serverSocket.emit('news', 'h2');
      const heldAnswer = await held;
      result.held = { ...comparable(heldAnswer), body: heldAnswer.text };

      // A POST over maxHttpBufferSize, its length announced and not: a bare 413, the session stays.
      const big = 'x'.repeat(5000);
      const announced = await h2Request(session, { ':path': query, ':method': 'POST', 'content-length': '5000' }, big);
      const streamed = await h2Request(session, { ':path': query, ':method': 'POST' }, big);
      result.tooLarge = [comparable(announced), comparable(streamed)];
      // Larger than HTTP/2's initial flow-control window: answered although never read whole.
      const huge = await h2Request(session, { ':path': query, ':method': 'POST' }, 'y'.repeat(300_000));
      result.huge = comparable(huge);
      const after = await h2Request(session, { ':path': query, ':method': 'POST' }, '42["still"]');
      result.afterTooLarge = after.status;

      const refusals: Record<string, string> = {
        unknownSid: `${POLLING}&sid=nope`,
        badTransport: '/socket.io/?EIO=4&transport=carrier-pigeon',
        noTransport: '/socket.io/?EIO=4',
        badProtocol: '/socket.io/?EIO=9&transport=polling',
      };
      for (const [what, path] of Object.entries(refusals)) {
        const refused = await h2Request(session, { ':path': path, ...origin });
        result[what] = { ...comparable(refused), body: refused.text };
      }
      const badMethod = await h2Request(session, { ':path': POLLING, ':method': 'PUT' });
      result.badMethod = { ...comparable(badMethod), body: badMethod.text };
      const sessionPut = await h2Request(session, { ':path': query, ':method': 'PUT' });
      result.sessionPut = comparable(sessionPut);

      const preflight = await h2Request(session, {
        ':path': POLLING,
        ':method': 'OPTIONS',
        ...origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      });
      result.preflight = { ...comparable(preflight), body: preflight.text };

      // Two GETs at once on one session (two streams of one connection): the second is a bare
      // 400 and the session ends ('transport error'); the first is released with a 200.
      const closeReason = waitFor<[string]>(serverSocket, 'disconnect');
      const first = h2Request(session, { ':path': query });
      await until(() => serverSocket.conn.transport.writable === true);
      const overlap = await h2Request(session, { ':path': query });
      result.overlap = { ...comparable(overlap), body: overlap.text, reason: (await closeReason)[0] };
      const firstAnswer = await first.catch((error: Error) => error.message);
      result.overlapFirst = typeof firstAnswer === 'string' ? firstAnswer : firstAnswer.status;
      results.push(result);
    }
    expect(results[0]).toEqual(results[1]);
    expect(results[0].afterTooLarge).toBe(200);
    expect(results[0]).toMatchObject({ overlap: { status: 400, reason: 'transport error' }, overlapFirst: 200 });
    expectNoConnectionHeaders();
  });

  it('same answers over HTTP/2 with serveClient off, allowRequest refusing and an engine middleware', async () => {
    const results: unknown[] = [];
    for (const [, factory] of H2_IMPLEMENTATIONS) {
      const { io, url } = await startHttp2(factory, {
        serveClient: false,
        allowRequest: (req: IncomingMessage, callback: (err: string | null, ok: boolean) => void) =>
          callback(req.headers['x-token'] === 'ok' ? null : 'no token', req.headers['x-token'] === 'ok'),
      });
      io.engine.use((_req: IncomingMessage, res: ServerResponse, next: () => void) => {
        res.setHeader('X-Frame-Options', 'DENY');
        next();
      });
      const session = await h2Session(url);
      const result: Record<string, unknown> = {};
      const requests: Record<string, Record<string, string>> = {
        bundle: { ':path': '/socket.io/socket.io.js' },
        refused: { ':path': POLLING },
        allowed: { ':path': POLLING, 'x-token': 'ok' },
      };
      for (const [what, headers] of Object.entries(requests)) {
        const res = await h2Request(session, headers);
        result[what] = { ...comparable(res, ['content-length']), body: res.text.replace(/"sid":"[^"]+"/, '') };
      }
      results.push(result);
    }
    expect(results[0]).toEqual(results[1]);
    expectNoConnectionHeaders();
  });

  it('compresses a polling answer over HTTP/2 (httpCompression), and the session lives on', async () => {
    const payload = 'p'.repeat(4000);
    const results: unknown[] = [];
    for (const [name, factory] of H2_IMPLEMENTATIONS) {
      const { io, url } = await startHttp2(factory);
      const closes: string[] = [];
      io.engine.on('connection', (conn: AnyServer) => conn.on('close', (reason: string) => closes.push(reason)));
      const session = await h2Session(url);
      const query = await openPolling(session);
      const [serverSocket] = await io.fetchSockets();
      serverSocket.emit('big', payload);
      const answer = await h2Request(session, { ':path': query, 'accept-encoding': 'gzip' });
      const next = await h2Request(session, { ':path': query, ':method': 'POST' }, '3');
      results.push({
        status: answer.status,
        encoding: answer.headers['content-encoding'],
        body: gunzipSync(answer.body).toString(),
        // engine.io, on HTTP/2, closes the session after each compressed poll ('transport
        // error', "poll connection closed prematurely": the request's `close` comes before the
        // response's `finish`), so the next request gets a 400 "Session ID unknown"; Parley
        // keeps the session.
        next: name === 'parley' ? next.status : undefined,
        closes: name === 'parley' ? closes : undefined,
      });
    }
    expect(results[0]).toMatchObject({
      status: 200,
      encoding: 'gzip',
      body: `42${JSON.stringify(['big', payload])}`,
      next: 200,
      closes: [],
    });
    expect(results[0]).toMatchObject({ ...(results[1] as object), next: 200, closes: [] });
    expectNoConnectionHeaders();
  });

  it('serves the bundle routes over HTTP/2 with the same statuses and headers (content aside), Vary keeping Origin', async () => {
    const results: Record<string, unknown>[] = [];
    for (const [name, factory] of H2_IMPLEMENTATIONS) {
      const { url } = await startHttp2(factory, { cors: { origin: 'https://app.example' } });
      const session = await h2Session(url);
      const result: Record<string, unknown> = {};
      for (const file of ['socket.io.js', 'socket.io.min.js', 'socket.io.esm.min.js', 'socket.io.js.map']) {
        const res = await h2Request(session, {
          ':path': `/socket.io/${file}`,
          origin: 'https://app.example',
          'accept-encoding': 'gzip',
        });
        // Parley's documented differences: Content-Length, `Vary: Accept-Encoding`, its own ETag.
        const headers = comparable(res, ['content-length', 'etag']).headers as Record<string, string>;
        headers.vary = headers.vary?.replace(', Accept-Encoding', '');
        result[file] = { status: res.status, headers, etag: /^"\d+\.\d+\.\d+"$/.test(String(res.headers.etag)) };
        const revalidated = await h2Request(session, {
          ':path': `/socket.io/${file}`,
          'if-none-match': String(res.headers.etag),
        });
        result[`${file} 304`] = comparable(revalidated, ['etag']);
      }
      const missing = await h2Request(session, { ':path': '/socket.io/socket.io.nope.js' });
      result.missing = { status: missing.status, body: missing.text };
      results.push(result);
      if (name === 'parley') expect(http2HeaderNames).toContain('content-length');
    }
    expect(results[0]).toEqual(results[1]);
    expectNoConnectionHeaders();
  });

  it('a polling session over HTTP/2 upgrades to a WebSocket over HTTP/1.1, as a browser does', async () => {
    const { WebSocket } = await import('ws');
    const results: unknown[] = [];
    for (const [, factory] of H2_IMPLEMENTATIONS) {
      const { io, url } = await startHttp2(factory);
      const session = await h2Session(url);
      const query = await openPolling(session);
      const held = h2Request(session, { ':path': query });
      const ws = new WebSocket(`${url.replace('https', 'wss')}${query.replace('polling', 'websocket')}`, {
        rejectUnauthorized: false,
      });
      onTeardown(() => ws.terminate());
      const frames: string[] = [];
      ws.on('message', (data) => frames.push(String(data)));
      await waitFor(ws, 'open');
      ws.send('2probe');
      await until(() => frames.includes('3probe'));
      const released = await held;
      ws.send('5');
      const [serverSocket] = await io.fetchSockets();
      await until(() => serverSocket.conn.transport.name === 'websocket');
      serverSocket.emit('over', 'ws');
      await until(() => frames.some((frame) => frame.startsWith('42')));
      results.push({ released: released.status, releasedBody: released.text, frames });
    }
    expect(results[0]).toEqual(results[1]);
    expect(results[0]).toMatchObject({ released: 200, releasedBody: '6', frames: ['3probe', '42["over","ws"]'] });
  });

  it('a held HTTP/2 poll cancelled by the client (RST_STREAM) closes the session as on HTTP/1.1', async () => {
    const results: unknown[] = [];
    for (const [, factory] of H2_IMPLEMENTATIONS) {
      const { io, url } = await startHttp2(factory);
      const session = await h2Session(url);
      const query = await openPolling(session);
      const [serverSocket] = await io.fetchSockets();
      const disconnected = waitFor<[string, { message?: string } | undefined]>(serverSocket, 'disconnect');
      const held = session.request({ ':path': query });
      held.on('error', () => {});
      await until(() => serverSocket.conn.transport.writable === true);
      held.close(constants.NGHTTP2_CANCEL);
      const [reason, description] = await disconnected;
      const next = await h2Request(session, { ':path': query });
      results.push({ reason, message: description?.message, next: { status: next.status, body: next.text } });
    }
    expect(results[0]).toEqual(results[1]);
    expect(results[0]).toMatchObject({ reason: 'transport error', next: { status: 400 } });
  });

  it('io.close() answers a held HTTP/2 poll with the close packet without a Connection header', async () => {
    const results: unknown[] = [];
    for (const [name, factory] of H2_IMPLEMENTATIONS) {
      const http = createSecureServer({ allowHTTP1: true, key, cert });
      const io = factory(http, {});
      http.listen(0, '127.0.0.1');
      await once(http, 'listening');
      onTeardown(() => (http.listening ? io.close() : undefined));
      const url = `https://127.0.0.1:${(http.address() as AddressInfo).port}`;
      const session = await h2Session(url);
      const query = await openPolling(session);
      const [serverSocket] = await io.fetchSockets();
      const held = h2Request(session, { ':path': query });
      await until(() => serverSocket.conn.transport.writable === true);
      http2HeaderNames.length = 0;
      const closed = io.close();
      const answer = await held;
      results.push({ status: answer.status, body: answer.text });
      expectNoConnectionHeaders();
      if (name === 'parley') {
        // Its HTTP/2 session is told to go (GOAWAY) as an HTTP/1.1 one gets `Connection: close`,
        // so that io.close() resolves while the client keeps its connection.
        await within(closed, 5000, 'io.close() with an HTTP/2 client connected');
      } else {
        // socket.io waits for the client to hang up.
        session.destroy();
        await within(closed, 5000, 'official io.close()');
      }
    }
    expect(results[0]).toEqual(results[1]);
    expect(results[0]).toEqual({ status: 200, body: '1' });
  });

  it('io.close() resolves while an idle HTTP/2 client keeps its connection (Parley; socket.io waits for it)', async () => {
    const outcomes: Record<string, string> = {};
    for (const [name, factory] of H2_IMPLEMENTATIONS) {
      const http = createSecureServer({ allowHTTP1: true, key, cert });
      const io = factory(http, {});
      http.listen(0, '127.0.0.1');
      await once(http, 'listening');
      onTeardown(() => (http.listening ? io.close() : undefined));
      const session = await h2Session(`https://127.0.0.1:${(http.address() as AddressInfo).port}`);
      await openPolling(session);
      const goaway = new Promise<string>((resolve) => session.once('goaway', () => resolve('goaway')));
      const closed = io.close();
      outcomes[name] = await within(closed, 1000, 'io.close()').then(
        () => 'resolved',
        () => 'waiting for the client',
      );
      if (name === 'parley') expect(await within(goaway, 1000, 'GOAWAY')).toBe('goaway');
      session.destroy();
      await within(closed, 5000, 'io.close() once the client hung up');
    }
    expect(outcomes).toEqual({ parley: 'resolved', 'socket.io': 'waiting for the client' });
    expectNoConnectionHeaders();
  });

  it('Parley: an SSE stream over HTTP/2 carries packets and closes cleanly', async () => {
    const { io, url } = await startHttp2((http, options) => new ParleyServer(http, options));
    const session = await h2Session(url);
    const stream = session.request({ ':path': '/socket.io/?EIO=4&transport=sse' });
    let text = '';
    stream.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    const [headers] = await waitFor<[IncomingHttpHeaders]>(stream, 'response');
    expect(headers[':status']).toBe(200);
    expect(headers['content-type']).toBe('text/event-stream; charset=UTF-8');
    await until(() => text.includes('data: 0{'));
    const sid = (JSON.parse(text.slice(text.indexOf('0{') + 1, text.indexOf('\n\n'))) as { sid: string }).sid;
    const post = await h2Request(
      session,
      { ':path': `/socket.io/?EIO=4&transport=sse&sid=${sid}`, ':method': 'POST' },
      '40',
    );
    expect(post.status).toBe(200);
    await until(() => text.includes('data: 40{'));
    const [socket] = await io.fetchSockets();
    socket.emit('sse', 1);
    await until(() => text.includes('data: 42["sse",1]'));
    const ended = waitFor(stream, 'end');
    await within(io.close(), 5000, 'io.close()');
    await ended;
    expectNoConnectionHeaders();
  });
});

/** A port no one listens on just now, for `new Server(port)`. */
async function freePort(): Promise<number> {
  const server = createNetServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function listeningPort(http: HttpServer): Promise<number> {
  if (!http.listening) await within(once(http, 'listening'), 5000, 'listening');
  return (http.address() as AddressInfo).port;
}

function plainClient(url: string, opts: Record<string, unknown> = {}): ClientSocket {
  const socket = ioc(url, { transports: ['websocket'], forceNew: true, reconnection: false, ...opts });
  onTeardown(() => socket.disconnect());
  return socket;
}

async function echoRoundTrip(io: AnyServer, url: string, opts: Record<string, unknown> = {}): Promise<unknown> {
  io.on('connection', (socket: AnyServer) =>
    socket.on('echo', (value: unknown, ack: (v: unknown) => void) => ack(value)),
  );
  const socket = plainClient(url, opts);
  await waitFor(socket, 'connect');
  return socket.timeout(5000).emitWithAck('echo', 'round trip');
}

describe('construction and lifecycle', () => {
  it.each(CLASSES)(
    '%s: new Server(port) and new Server(port, opts) listen; io.close() closes that server',
    async (_name, Server) => {
      for (const withOptions of [false, true]) {
        const port = await freePort();
        const io: AnyServer = withOptions ? new Server(port, { path: '/own' }) : new Server(port);
        const http = io.httpServer as HttpServer;
        onTeardown(() => (http.listening ? io.close() : undefined));
        expect(await listeningPort(http)).toBe(port);
        const url = `http://127.0.0.1:${port}`;
        expect(await echoRoundTrip(io, url, withOptions ? { path: '/own' } : {})).toBe('round trip');
        const callbackArgs: unknown[][] = [];
        await within(
          io.close((...args: unknown[]) => callbackArgs.push(args)),
          5000,
          'io.close()',
        );
        expect(http.listening).toBe(false);
        expect(callbackArgs).toEqual([[undefined]]);
      }
    },
  );

  it('the same outcomes on both servers for io.listen(port), attach after construction and io.close() twice', async () => {
    const results: unknown[] = [];
    for (const [, Server] of CLASSES) {
      const result: Record<string, unknown> = {};
      const port = await freePort();
      const io: AnyServer = new Server({ pingInterval: 4000 });
      result.engineBefore = io.engine === undefined;
      result.httpServerBefore = io.httpServer === undefined;
      result.listenReturnsIo = io.listen(port) === io;
      result.port = (await listeningPort(io.httpServer)) === port;
      result.echo = await echoRoundTrip(io, `http://127.0.0.1:${port}`);
      result.engineAfter = typeof io.engine?.on === 'function';
      result.pingInterval = io.engine.opts.pingInterval;
      const calls: unknown[] = [];
      await within(
        io.close((err?: NodeJS.ErrnoException) => calls.push(['first', err?.code])),
        5000,
        'io.close()',
      );
      // A second close: the HTTP server is already closed.
      await within(
        io.close((err?: NodeJS.ErrnoException) => calls.push(['second', err?.code])),
        5000,
        'second io.close()',
      );
      result.calls = calls;

      const http = createServer();
      const attached: AnyServer = new Server();
      result.attachReturnsIo = attached.attach(http, { path: '/later', connectTimeout: 1234 }) === attached;
      result.attachedPath = attached.path();
      result.attachedEnginePath = attached.engine.opts.path;
      http.listen(0, '127.0.0.1');
      onTeardown(() => attached.close());
      result.attachedEcho = await echoRoundTrip(attached, `http://127.0.0.1:${await listeningPort(http)}`, {
        path: '/later',
      });
      results.push(result);
    }
    expect(results[0]).toEqual(results[1]);
    expect(results[0]).toMatchObject({
      engineBefore: true,
      echo: 'round trip',
      calls: [
        ['first', undefined],
        ['second', 'ERR_SERVER_NOT_RUNNING'],
      ],
    });
  });

  it('getters and setters: io.path(), io.serveClient(), io.adapter(), io.connectTimeout()', () => {
    const results: unknown[] = [];
    for (const [, Server] of CLASSES) {
      const io: AnyServer = new Server();
      class Custom extends (io.adapter() as new (...args: unknown[]) => object) {}
      results.push({
        path: io.path(),
        serveClient: io.serveClient(),
        connectTimeout: io.connectTimeout(),
        adapterIsClass: typeof io.adapter() === 'function',
        setPath: io.path('/other/') === io,
        pathAfter: io.path(),
        setServeClient: io.serveClient(false) === io,
        serveClientAfter: io.serveClient(),
        setConnectTimeout: io.connectTimeout(1000) === io,
        connectTimeoutAfter: io.connectTimeout(),
        setAdapter: io.adapter(Custom) === io,
        adapterAfter: io.adapter() === Custom,
        nspAdapter: io.of('/x').adapter instanceof Custom,
      });
    }
    expect(results[0]).toEqual(results[1]);
  });

  it('an HTTP server with its own request listener: the engine and bundle paths win, the rest falls through', async () => {
    const results: unknown[] = [];
    for (const [, factory] of IMPLEMENTATIONS) {
      const seen: string[] = [];
      const app = (req: IncomingMessage, res: ServerResponse) => {
        seen.push(req.url ?? '');
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end('app');
      };
      const http = createServer(app);
      const io = factory(http, {});
      http.listen(0, '127.0.0.1');
      onTeardown(() => io.close());
      const url = `http://127.0.0.1:${await listeningPort(http)}`;
      const answers: Record<string, unknown> = {};
      for (const path of [
        '/',
        '/socket.io',
        '/socket.iox',
        '/other/socket.io/',
        `${POLLING}`,
        '/socket.io/socket.io.js',
      ]) {
        const res = await rawRequest(url + path);
        answers[path] = { status: res.status, app: res.text === 'app' };
      }
      answers.echo = await echoRoundTrip(io, url);
      answers.listeners = http.listeners('request').length;
      results.push({ answers, seen });
    }
    expect(results[0]).toEqual(results[1]);
  });

  it('two servers on one HTTP server with different paths, each closed on its own', async () => {
    const results: unknown[] = [];
    for (const [, factory] of IMPLEMENTATIONS) {
      const http = createServer();
      const first = factory(http, { path: '/one' });
      const second = factory(http, { path: '/two' });
      first.on('connection', (socket: AnyServer) => socket.emit('who', 'one'));
      second.on('connection', (socket: AnyServer) => socket.emit('who', 'two'));
      http.listen(0, '127.0.0.1');
      onTeardown(() => second.close());
      const url = `http://127.0.0.1:${await listeningPort(http)}`;
      const heard: unknown[] = [];
      for (const path of ['/one', '/two']) {
        for (const transports of [['polling'], ['websocket']]) {
          const socket = plainClient(url, { path, transports });
          heard.push((await waitFor(socket, 'who'))[0]);
        }
      }
      const bundles = await Promise.all(
        ['/one/socket.io.js', '/two/socket.io.js'].map(async (path) => (await rawRequest(url + path)).status),
      );
      // Closing the first closes the HTTP server they share, as socket.io's close() does (its
      // promise waits for that, so for the second's clients too); the second's clients carry on.
      second.on('connection', (socket: AnyServer) => socket.on('ping-me', (ack: () => void) => ack()));
      const secondClient = plainClient(url, { path: '/two' });
      await waitFor(secondClient, 'who');
      let firstClosed = false;
      const firstClose = first.close().then(() => {
        firstClosed = true;
      });
      const stillThere = await secondClient
        .timeout(3000)
        .emitWithAck('ping-me')
        .then(
          () => 'answered',
          () => 'no answer',
        );
      const closedBeforeSecond = firstClosed;
      await within(second.close(), 5000, 'second io.close()');
      await within(firstClose, 5000, 'first io.close()');
      results.push({ heard, bundles, listening: http.listening, stillThere, closedBeforeSecond });
    }
    expect(results[0]).toEqual(results[1]);
    expect(results[0]).toMatchObject({ heard: ['one', 'one', 'two', 'two'] });
  });

  it('httpServer.close() while clients are connected: WebSocket ones carry on, polling ones are cut', async () => {
    const results: unknown[] = [];
    for (const [, factory] of IMPLEMENTATIONS) {
      const http = createServer();
      const io = factory(http, {});
      const serverReasons: string[] = [];
      io.on('connection', (socket: AnyServer) => {
        socket.on('echo', (value: unknown, ack: (v: unknown) => void) => ack(value));
        socket.on('disconnect', (reason: string) => serverReasons.push(`${socket.conn.transport.name}: ${reason}`));
      });
      http.listen(0, '127.0.0.1');
      const url = `http://127.0.0.1:${await listeningPort(http)}`;
      const [ws, polling] = ['websocket', 'polling'].map((transport) => plainClient(url, { transports: [transport] }));
      await Promise.all([waitFor(ws, 'connect'), waitFor(polling, 'connect')]);
      const pollingGone = waitFor(polling, 'disconnect');
      let httpClosedEarly = false;
      const httpClosed = new Promise<unknown[]>((resolve) =>
        http.close((...args) => {
          httpClosedEarly = true;
          resolve(args);
        }),
      );
      const pollingReason = (await pollingGone)[0];
      const echo = await ws.timeout(3000).emitWithAck('echo', 'after http close');
      // The WebSocket's connection holds the HTTP server's close() until io.close() ends it.
      const closedBeforeIoClose = httpClosedEarly;
      const wsGone = waitFor(ws, 'disconnect');
      await within(io.close(), 5000, 'io.close()');
      const wsReason = (await wsGone)[0];
      const closeArgs = await within(httpClosed, 5000, 'httpServer.close()');
      await until(() => serverReasons.length === 2);
      results.push({
        pollingReason,
        echo,
        closedBeforeIoClose,
        closeArgs,
        wsReason,
        serverReasons: serverReasons.sort(),
      });
    }
    expect(results[0]).toEqual(results[1]);
    expect(results[0]).toMatchObject({ echo: 'after http close', closedBeforeIoClose: false, closeArgs: [] });
  });
});
