/**
 * Serving the browser client bundle, compared where it helps with the official socket.io server
 * (which serves its own bundle): ETag, 304, compression by Accept-Encoding, CORS, and what
 * happens to other URLs under the path.
 */
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { Server as OfficialServer } from 'socket.io';
import { afterEach, describe, expect, it } from 'vitest';
import { attachServe, ClientBundle, defaultBundleDirectory, Server, type ServerOptions } from '../src/index.js';
import { negotiateBundleEncoding } from '../src/serve-client/serve-client-encoding.js';
import { startServer } from './support/harness.js';
import { type RawResponse, rawRequest } from './support/raw-http.js';

// @parley-engine either: PARLEY_ENGINE=engine.io runs this suite on the official engine.io (support/engine-choice.ts).

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const BUNDLE_FILES = [
  'socket.io.js',
  'socket.io.min.js',
  'socket.io.esm.min.js',
  'socket.io.msgpack.min.js',
  'socket.io.js.map',
  'socket.io.min.js.map',
  'socket.io.esm.min.js.map',
  'socket.io.msgpack.min.js.map',
];

async function expectedEtag(): Promise<string> {
  const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
  return `"${manifest.version}"`;
}

function decode(res: RawResponse): string {
  const encoding = res.headers['content-encoding'];
  if (encoding === 'br') return brotliDecompressSync(res.body).toString();
  if (encoding === 'gzip') return gunzipSync(res.body).toString();
  if (encoding === 'deflate') return inflateSync(res.body).toString();
  return res.text;
}

async function bundleServer(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-bundle-'));
  for (const [name, body] of Object.entries(files)) await writeFile(join(dir, name), body);
  const http = createServer((_req, res) => {
    res.writeHead(418);
    res.end('app');
  });
  attachServe(http, '/socket.io', new ClientBundle(dir));
  http.listen(0);
  await once(http, 'listening');
  cleanups.push(() => new Promise((resolve) => http.close(resolve)));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
}

/** Parley and the official server, each attached to an HTTP server without a handler. */
async function both(opts: Partial<ServerOptions> = {}): Promise<{ parley: string; official: string }> {
  const { url } = await startServer(opts);
  const http = createServer();
  const official = new OfficialServer(http, opts as ConstructorParameters<typeof OfficialServer>[1]);
  cleanups.push(() => official.close());
  http.listen(0);
  await once(http, 'listening');
  return { parley: url, official: `http://127.0.0.1:${(http.address() as AddressInfo).port}` };
}

describe('serveClient', () => {
  it('serves every bundle file from @parley/client, JavaScript or JSON, ETag the package version', async () => {
    const { url } = await startServer();
    const directory = defaultBundleDirectory() as string;
    const etag = await expectedEtag();
    expect(etag).toMatch(/^"\d+\.\d+\.\d+.*"$/);
    for (const file of BUNDLE_FILES) {
      const res = await rawRequest(`${url}/socket.io/${file}`);
      expect({ file, status: res.status }).toEqual({ file, status: 200 });
      expect(res.body.equals(await readFile(join(directory, file)))).toBe(true);
      expect(res.headers.etag).toBe(etag);
      expect(res.headers['cache-control']).toBe('public, max-age=0');
      if (file.endsWith('.map')) {
        expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
        expect(JSON.parse(res.text).version).toBe(3);
      } else {
        expect(res.headers['content-type']).toBe('application/javascript; charset=utf-8');
        expect(res.text).toMatch(/\bio\b/);
      }
    }
  });

  it('answers 304 to a strong or weak If-None-Match of the version, as socket.io does', async () => {
    const { parley, official } = await both();
    const etag = await expectedEtag();
    const officialEtag = (await rawRequest(`${official}/socket.io/socket.io.min.js`)).headers.etag as string;
    for (const [base, tag] of [
      [parley, etag],
      [official, officialEtag],
    ]) {
      for (const ifNoneMatch of [tag, `W/${tag}`]) {
        const res = await rawRequest(`${base}/socket.io/socket.io.min.js?v=2`, {
          headers: { 'If-None-Match': ifNoneMatch, 'Accept-Encoding': 'gzip' },
        });
        expect({ ifNoneMatch, status: res.status, body: res.text }).toEqual({ ifNoneMatch, status: 304, body: '' });
      }
      const stale = await rawRequest(`${base}/socket.io/socket.io.min.js`, { headers: { 'If-None-Match': '"0.0.0"' } });
      expect(stale.status).toBe(200);
    }
  });

  it('compresses with brotli, gzip or deflate as Accept-Encoding asks, choosing as socket.io does', async () => {
    const { parley, official } = await both();
    const plain = (await rawRequest(`${parley}/socket.io/socket.io.js`)).text;
    for (const accept of [
      '',
      'identity',
      'br',
      'gzip',
      'deflate',
      'gzip, deflate, br',
      'br, gzip',
      'gzip;q=0.5, br;q=0.8',
      'br;q=0, gzip',
      '*',
      'gzip;q=0, *',
      'deflate, *;q=0.5',
      'x-unknown',
    ]) {
      const headers: Record<string, string> = accept === '' ? {} : { 'Accept-Encoding': accept };
      const [ours, theirs] = await Promise.all([
        rawRequest(`${parley}/socket.io/socket.io.js`, { headers }),
        rawRequest(`${official}/socket.io/socket.io.js`, { headers }),
      ]);
      expect({ accept, encoding: ours.headers['content-encoding'] }).toEqual({
        accept,
        encoding: theirs.headers['content-encoding'],
      });
      expect(ours.status).toBe(200);
      expect(decode(ours)).toBe(plain);
    }
    expect(negotiateBundleEncoding('gzip, deflate, br, zstd')).toBe('gzip');
    expect(negotiateBundleEncoding('BR;Q=1')).toBe('br');
  });

  it("adds the cors option's headers and answers its preflight, as socket.io does", async () => {
    const origin = 'https://app.example';
    const { parley, official } = await both({ cors: { origin, credentials: true } });
    const get = { headers: { Origin: origin } };
    const preflight = { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'GET' } };
    for (const request of [get, preflight]) {
      const [ours, theirs] = await Promise.all([
        rawRequest(`${parley}/socket.io/socket.io.min.js`, request),
        rawRequest(`${official}/socket.io/socket.io.min.js`, request),
      ]);
      expect(ours.status).toBe(theirs.status);
      for (const header of [
        'access-control-allow-origin',
        'access-control-allow-credentials',
        'access-control-allow-methods',
      ]) {
        expect({ header, value: ours.headers[header] }).toEqual({ header, value: theirs.headers[header] });
      }
    }
    const res = await rawRequest(`${parley}/socket.io/socket.io.min.js`, get);
    expect(res.headers['access-control-allow-origin']).toBe(origin);
  });

  it('leaves other files under the path to the engine, whether serving or not, as socket.io does', async () => {
    for (const serveClient of [true, false]) {
      const { parley, official } = await both({ serveClient });
      const urls = ['/socket.io/other.js', '/socket.io/socket.io.js.gz', '/socket.io/x/socket.io.js'];
      if (!serveClient) urls.push('/socket.io/socket.io.js');
      for (const url of urls) {
        const [ours, theirs] = await Promise.all([rawRequest(parley + url), rawRequest(official + url)]);
        expect({ serveClient, url, status: ours.status, body: ours.text }).toEqual({
          serveClient,
          url,
          status: theirs.status,
          body: theirs.text,
        });
        expect(ours.headers.etag).toBeUndefined();
      }
    }
  });

  it('serves a bundle directory of its own, 404 for a file it lacks; other routes reach the app', async () => {
    const url = await bundleServer({ 'socket.io.js': 'var io = "full";' });
    const res = await rawRequest(`${url}/socket.io/socket.io.js`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe(String('var io = "full";'.length));
    expect(res.text).toBe('');
    expect((await rawRequest(`${url}/socket.io/socket.io.js`)).text).toBe('var io = "full";');
    const missing = await rawRequest(`${url}/socket.io/socket.io.min.js.map`);
    expect(missing.status).toBe(404);
    expect(missing.text).toContain('not built or not installed');
    expect((await rawRequest(`${url}/somewhere`)).status).toBe(418);
  });

  it("can be turned off: the bundle URLs then get the engine's answer", async () => {
    const http = createServer((_req, res) => {
      res.writeHead(418);
      res.end('app');
    });
    const io = new Server(http, { serveClient: false });
    cleanups.push(() => io.close());
    http.listen(0);
    await once(http, 'listening');
    const res = await rawRequest(`http://127.0.0.1:${(http.address() as AddressInfo).port}/socket.io/socket.io.js`);
    // The engine's answer (socket.io gives the same): no bundle, no ETag.
    expect(res.status).toBe(400);
    expect(res.headers.etag).toBeUndefined();
    expect(io.serveClient()).toBe(false);
  });
});
