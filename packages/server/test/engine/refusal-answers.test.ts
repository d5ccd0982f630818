/**
 * How refused requests are answered on the wire, asserted against Parley and the official
 * socket.io server in the same scenario: the official behaviour is the spec.
 */
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { rawRequest } from '../support/raw-http.js';
import { IMPLEMENTATIONS, startSideBySide } from '../support/side-by-side.js';

/** The head and body of a raw HTTP exchange, with the headers that vary (Date, Sec-WebSocket-Accept) left out. */
function rawExchange(port: number, text: string): Promise<{ head: string[]; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const end = received.indexOf('\r\n\r\n');
      const head = (end === -1 ? received : received.slice(0, end))
        .split('\r\n')
        .filter((line) => !/^date:/i.test(line));
      resolve({ head, body: end === -1 ? '' : received.slice(end + 4) });
    });
    socket.setTimeout(5000, () => socket.destroy(new Error('no answer')));
  });
}

function upgradeRequest(query: string): string {
  return (
    `GET /socket.io/?${query} HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
    'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n'
  );
}

describe.each(IMPLEMENTATIONS)('refusals on %s', (_name, factory) => {
  it.each([
    ['an unknown session', 'EIO=4&transport=websocket&sid=nope', {}, 'Session ID unknown'],
    ['an unknown transport', 'EIO=4&transport=carrier-pigeon', {}, 'Transport unknown'],
    [
      'an allowRequest refusal',
      'EIO=4&transport=websocket',
      {
        allowRequest: (_req: unknown, callback: (err: string, ok: boolean) => void) =>
          callback('closed for today', false),
      },
      'closed for today',
    ],
  ])('answer an upgrade for %s with a 400 and the message as text', async (_what, query, options, message) => {
    const { port } = await startSideBySide(factory, options);
    const answer = await rawExchange(port, upgradeRequest(query));
    expect(answer).toEqual({
      head: [
        'HTTP/1.1 400 Bad Request',
        'Connection: close',
        'Content-type: text/html',
        `Content-Length: ${message.length}`,
      ],
      body: message,
    });
  });

  it('drop an upgrade whose HTTP middleware ends the response, unanswered', async () => {
    const { io, port } = await startSideBySide(factory);
    let finished = false;
    io.engine.use((_req: unknown, res: { on(event: string, listener: () => void): void; end(): void }) => {
      res.on('finish', () => {
        finished = true;
      });
      res.end();
    });
    const answer = await rawExchange(port, upgradeRequest('EIO=4&transport=websocket'));
    expect(answer).toEqual({ head: [''], body: '' });
    expect(finished).toBe(true);
  });

  it.each([
    ['an unknown session', 'EIO=4&transport=polling&sid=nope', 'GET', '{"code":1,"message":"Session ID unknown"}'],
    [
      'an unsupported protocol',
      'EIO=3&transport=polling',
      'GET',
      '{"code":5,"message":"Unsupported protocol version"}',
    ],
    ['a bad handshake method', 'EIO=4&transport=polling', 'PUT', '{"code":2,"message":"Bad handshake method"}'],
  ])('answer an HTTP request for %s with JSON, chunked', async (_what, query, method, body) => {
    const { port } = await startSideBySide(factory);
    const answer = await rawRequest(`http://127.0.0.1:${port}/socket.io/?${query}`, { method });
    expect(answer.status).toBe(400);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(answer.headers['transfer-encoding']).toBe('chunked');
    expect(answer.headers['content-length']).toBeUndefined();
    expect(answer.text).toBe(body);
  });

  it('answer a transport fault of a session (an overlapping poll) with an empty chunked body', async () => {
    const { port } = await startSideBySide(factory);
    const base = `http://127.0.0.1:${port}/socket.io/?EIO=4&transport=polling`;
    const open = await rawRequest(base);
    const sid = (JSON.parse(open.text.slice(1)) as { sid: string }).sid;
    // The first GET is held (nothing to send); the second overlaps it.
    const held = rawRequest(`${base}&sid=${sid}`).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const overlapping = await rawRequest(`${base}&sid=${sid}`);
    expect(overlapping.status).toBe(400);
    expect(overlapping.headers['transfer-encoding']).toBe('chunked');
    expect(overlapping.headers['content-length']).toBeUndefined();
    expect(overlapping.text).toBe('');
    await held;
  });

  it('answer an upgrade to an engine without WebSocket as an HTTP request for an unknown transport', async () => {
    const { port } = await startSideBySide(factory, { transports: ['polling'] });
    const socket = connect(port, '127.0.0.1', () => socket.write(upgradeRequest('EIO=4&transport=websocket')));
    socket.setEncoding('latin1');
    let received = '';
    await new Promise<void>((resolve, reject) => {
      socket.on('data', (chunk: string) => {
        received += chunk;
        // The end of a chunked body: the connection itself stays open (keep-alive).
        if (received.endsWith('\r\n0\r\n\r\n')) resolve();
      });
      socket.on('error', reject);
      socket.setTimeout(5000, () => reject(new Error(`no complete answer: ${JSON.stringify(received)}`)));
    });
    socket.destroy();
    const [head, body] = received.split('\r\n\r\n');
    const lines = head.split('\r\n').filter((line) => !/^date:/i.test(line));
    expect(lines).toEqual([
      'HTTP/1.1 400 Bad Request',
      'Content-Type: application/json',
      'Connection: keep-alive',
      'Keep-Alive: timeout=5',
      'Transfer-Encoding: chunked',
    ]);
    expect(body).toBe('28\r\n{"code":0,"message":"Transport unknown"}\r\n0');
  });
});
