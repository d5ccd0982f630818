/**
 * The headers of polling responses (handshake, POST, data GET), asserted against Parley and the
 * official socket.io server in the same scenario: the official behaviour is the spec.
 */
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { rawRequest } from '../support/raw-http.js';
import { IMPLEMENTATIONS, startSideBySide } from '../support/side-by-side.js';

const TEXT = { 'content-type': 'text/plain;charset=UTF-8' };

const IE = 'Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko';
const OLD_IE = 'Mozilla/4.0 (compatible;MSIE 8.0; Windows NT 6.1)';
const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36';

describe.each(IMPLEMENTATIONS)('polling response headers on %s', (_name, factory) => {
  it.each([
    ['no user agent', undefined, undefined],
    ['Chrome', CHROME, undefined],
    ['Internet Explorer 11', IE, '0'],
    ['Internet Explorer 8', OLD_IE, '0'],
  ])('forbid caching on every response, and turn off the XSS filter of IE (%s)', async (_ua, userAgent, xss) => {
    const { io, port } = await startSideBySide(factory);
    const seen: Array<Record<string, unknown>> = [];
    io.engine.on('headers', (headers: Record<string, unknown>) => {
      seen.push({ ...headers });
    });
    const base = `http://127.0.0.1:${port}/socket.io/?EIO=4&transport=polling`;
    const agent: Record<string, string> = userAgent === undefined ? {} : { 'user-agent': userAgent };
    const open = await rawRequest(base, { headers: agent });
    const sid = (JSON.parse(open.text.slice(1)) as { sid: string }).sid;
    const post = await rawRequest(`${base}&sid=${sid}`, { method: 'POST', body: '40', headers: { ...agent, ...TEXT } });
    const data = await rawRequest(`${base}&sid=${sid}`, { headers: agent });
    for (const reply of [open, post, data]) {
      expect(reply.status).toBe(200);
      expect(reply.headers['cache-control']).toBe('no-store');
      expect(reply.headers['x-xss-protection']).toBe(xss);
    }
    expect(post.text).toBe('ok');
    expect(data.text.startsWith('40')).toBe(true);
    // `headers` listeners see them too.
    expect(seen).toHaveLength(3);
    for (const headers of seen) {
      expect(headers['cache-control']).toBe('no-store');
      expect(headers['X-XSS-Protection']).toBe(xss);
    }
    // engine.io's POST answer carries its length as the string '2', a poll's as a number.
    expect(seen.map((headers) => typeof headers['Content-Length'])).toEqual(['number', 'string', 'number']);
  });

  it('sends no caching header with a refusal', async () => {
    const { port } = await startSideBySide(factory);
    const refused = await rawRequest(`http://127.0.0.1:${port}/socket.io/?EIO=4&transport=polling&sid=unknown`);
    expect(refused.status).toBe(400);
    expect(refused.headers['cache-control']).toBeUndefined();
  });
});

describe.each(IMPLEMENTATIONS)('a compressed polling response on %s', (_name, factory) => {
  it('is gzip, chunked, uncached and has no length or Vary header', async () => {
    const { io, port } = await startSideBySide(factory);
    io.on('connection', (socket: { on(event: string, listener: () => void): void; emit(...args: unknown[]): void }) => {
      socket.on('big', () => socket.emit('big', 'x'.repeat(5000)));
    });
    const base = `http://127.0.0.1:${port}/socket.io/?EIO=4&transport=polling`;
    const open = await rawRequest(base);
    const sid = (JSON.parse(open.text.slice(1)) as { sid: string }).sid;
    await rawRequest(`${base}&sid=${sid}`, { method: 'POST', body: '40', headers: TEXT });
    await rawRequest(`${base}&sid=${sid}`);
    await rawRequest(`${base}&sid=${sid}`, { method: 'POST', body: '42["big"]', headers: TEXT });
    const compressed = await rawRequest(`${base}&sid=${sid}`, { headers: { 'accept-encoding': 'gzip, deflate' } });
    expect(compressed.headers['content-encoding']).toBe('gzip');
    expect(compressed.headers['transfer-encoding']).toBe('chunked');
    expect(compressed.headers['content-length']).toBeUndefined();
    expect(compressed.headers.vary).toBeUndefined();
    expect(compressed.headers['cache-control']).toBe('no-store');
    expect(gunzipSync(compressed.body).toString()).toBe(`42["big","${'x'.repeat(5000)}"]`);
  });
});

describe.each(IMPLEMENTATIONS)('the session cookie on %s', (_name, factory) => {
  it.each([
    [true, /^io=[\w-]+; Path=\/; HttpOnly; SameSite=Lax$/],
    [
      {
        name: 'c',
        maxAge: 100,
        domain: 'example.test',
        path: '/app',
        httpOnly: true,
        secure: true,
        sameSite: 'Strict',
      },
      /^c=[\w-]+; Max-Age=100; Domain=example.test; Path=\/app; HttpOnly; Secure; SameSite=Strict$/,
    ],
    [
      { path: false, partitioned: true, priority: 'high', sameSite: 'none', secure: true },
      /^io=[\w-]+; HttpOnly; Secure; Partitioned; Priority=High; SameSite=None$/,
    ],
    [{ sameSite: false, httpOnly: false }, /^io=[\w-]+; Path=\/$/],
  ])('is set on the handshake with its attributes in engine.io order (%o)', async (cookie, expected) => {
    const { port } = await startSideBySide(factory, { cookie });
    const open = await rawRequest(`http://127.0.0.1:${port}/socket.io/?EIO=4&transport=polling`);
    const sid = (JSON.parse(open.text.slice(1)) as { sid: string }).sid;
    const [setCookie] = open.headers['set-cookie'] as string[];
    expect(setCookie).toMatch(expected);
    expect(setCookie.split(';')[0].split('=')[1]).toBe(sid);
  });
});
