import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { attachServe, ClientBundle, Server } from '../src/index.js';
import { startServer } from './support/harness.js';

// PARLEY_ENGINE=engine.io runs the suite on the official engine.io, to tell engine bugs from ours.
vi.mock('../src/engine-binding.js', async (importOriginal) =>
  process.env.PARLEY_ENGINE === 'engine.io' ? import('./support/engine-io-shim.js') : importOriginal(),
);

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function bundleServer(files: Record<string, string>) {
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

describe('serveClient', () => {
  it('serves the bundle files with ETag, 304 and caching headers, and leaves other routes alone', async () => {
    const url = await bundleServer({
      'socket.io.js': 'var io = "full";',
      'socket.io.min.js': 'var io="min";',
      'socket.io.esm.min.js': 'export const io="esm";',
      'socket.io.js.map': '{"version":3}',
    });
    // fetch() asks for gzip by default; the plain body first.
    const identity = { 'Accept-Encoding': 'identity' };
    const first = await fetch(`${url}/socket.io/socket.io.js`, { headers: identity });
    expect(first.status).toBe(200);
    expect(await first.text()).toBe('var io = "full";');
    expect(first.headers.get('content-type')).toBe('application/javascript; charset=utf-8');
    expect(first.headers.get('cache-control')).toBe('public, max-age=0');
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^".+"$/);
    const again = await fetch(`${url}/socket.io/socket.io.js?v=1`, {
      headers: { ...identity, 'If-None-Match': etag ?? '' },
    });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(await (await fetch(`${url}/socket.io/socket.io.min.js`)).text()).toBe('var io="min";');
    expect(await (await fetch(`${url}/socket.io/socket.io.esm.min.js`)).text()).toBe('export const io="esm";');
    const map = await fetch(`${url}/socket.io/socket.io.js.map`);
    expect(map.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const compressed = await fetch(`${url}/socket.io/socket.io.js`, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(compressed.headers.get('content-encoding')).toBe('gzip');
    expect(await compressed.text()).toBe('var io = "full";');
    const compressedEtag = compressed.headers.get('etag');
    expect(compressedEtag).not.toBe(etag);
    const compressedAgain = await fetch(`${url}/socket.io/socket.io.js`, {
      headers: { 'Accept-Encoding': 'gzip', 'If-None-Match': compressedEtag ?? '' },
    });
    expect(compressedAgain.status).toBe(304);
    const missing = await fetch(`${url}/socket.io/socket.io.min.js.map`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('not built or not installed');
    const other = await fetch(`${url}/somewhere`);
    expect(other.status).toBe(418);
    const notBundle = await fetch(`${url}/socket.io/other.js`);
    expect(notBundle.status).toBe(418);
  });

  it('is on by default at <path>/socket.io.js, answered by the bundle route rather than the engine', async () => {
    const { url } = await startServer();
    const res = await fetch(`${url}/socket.io/socket.io.js`);
    // 200 when @parley/client's bundle is built, a clear 404 when it is not; never the engine's 400.
    if (res.status === 200) {
      expect(res.headers.get('etag')).toBeTruthy();
      expect(res.headers.get('content-type')).toBe('application/javascript; charset=utf-8');
    } else {
      expect(res.status).toBe(404);
      expect(await res.text()).toContain('@parley/client bundle');
    }
  });

  it('can be turned off: the bundle URLs then reach the application', async () => {
    const http = createServer((_req, res) => {
      res.writeHead(418);
      res.end('app');
    });
    const io = new Server(http, { serveClient: false });
    cleanups.push(() => io.close());
    http.listen(0);
    await once(http, 'listening');
    const res = await fetch(`http://127.0.0.1:${(http.address() as AddressInfo).port}/socket.io/socket.io.js`);
    expect(res.status).toBe(418);
    expect(await res.text()).toBe('app');
    expect(res.headers.get('etag')).toBeNull();
  });
});
