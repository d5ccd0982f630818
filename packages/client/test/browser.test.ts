import { readFile, rm } from 'node:fs/promises';
import { createServer, type Server as HttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Server as ParleyServer } from '@parley/server';
import type { Browser } from 'playwright-core';
import { Server } from 'socket.io';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { buildBundles, describeWithChromium, launchChromium } from './browser-site.js';

const PAGE = `<!doctype html><meta charset="utf-8"><title>parley</title>
<script src="/socket.io/socket.io.js"></script>
<script>
  window.events = [];
  const transports = new URLSearchParams(location.search).get('transports');
  const socket = io({ reconnectionDelay: 100, reconnectionDelayMax: 500, ...(transports ? { transports: transports.split(',') } : {}) });
  window.socket = socket;
  socket.on('connect', () => {
    events.push('connect');
    socket.emit('hello', 'from the browser', new Uint8Array([1, 2, 3]), (answer) => events.push('ack:' + answer));
  });
  socket.on('welcome', (text, bytes) =>
    events.push('welcome:' + text + ':' + (bytes instanceof ArrayBuffer) + ':' + new Uint8Array(bytes).join(',')));
  socket.on('disconnect', (reason) => events.push('disconnect:' + reason));
</script>`;

type ServerKind = 'socket.io' | 'parley';

/** The socket.io API both servers offer, as far as the page needs it. */
interface SiteServer {
  on(event: 'connection', listener: (socket: import('socket.io').Socket) => void): unknown;
  close(callback?: (err?: Error) => void): unknown;
}

interface Site {
  http: HttpServer;
  io: SiteServer;
  kind: ServerKind;
  port: number;
}

/** One http server: the page, the bundle at /socket.io/socket.io.js, and a socket.io or Parley server. */
async function startSite(kind: ServerKind, bundleDir: string, port = 0): Promise<Site> {
  const bundle = await readFile(join(bundleDir, 'socket.io.js'));
  const serveSite = (req: IncomingMessage, res: ServerResponse): boolean => {
    const path = req.url?.split('?')[0];
    if (path === '/socket.io/socket.io.js') {
      res.writeHead(200, { 'content-type': 'application/javascript' }).end(bundle);
    } else if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    } else {
      return false;
    }
    return true;
  };
  const http = createServer();
  const io: SiteServer =
    kind === 'parley'
      ? (new ParleyServer(http, { serveClient: false }) as unknown as SiteServer)
      : new Server(http, { serveClient: false });
  // Both engines claim every request under /socket.io/; serve the bundle before they see them.
  const engineListeners = http.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  http.removeAllListeners('request');
  http.on('request', (req, res) => {
    if (serveSite(req, res)) return;
    if (!req.url?.startsWith('/socket.io/')) res.writeHead(404).end();
    else for (const listener of engineListeners) listener.call(http, req, res);
  });
  io.on('connection', (socket) => {
    socket.on('hello', (text: string, bytes: Buffer, ack: (answer: string) => void) => {
      ack(`${text}:${[...bytes].join(',')}`);
      socket.emit('welcome', 'from the server', Buffer.from([9, 8, 7]));
    });
  });
  await new Promise<void>((done) => http.listen(port, '127.0.0.1', done));
  return { http, io, kind, port: (http.address() as AddressInfo).port };
}

function stopSite(site: Site): Promise<void> {
  return new Promise((done) => {
    site.io.close(() => done());
    // This file is about the bundle in a browser; closing with keep-alive connections open is
    // covered by the server's shutdown tests. Both servers get the same treatment here.
    site.http.closeAllConnections();
  });
}

describeWithChromium('browser bundle in headless Chromium', () => {
  let bundleDir: string;
  let browser: Browser | undefined;
  let site: Site | undefined;

  beforeAll(async () => {
    bundleDir = await buildBundles();
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (site) await stopSite(site);
    await rm(bundleDir, { recursive: true, force: true });
  });

  afterEach(async () => {
    if (site) await stopSite(site);
    site = undefined;
  });

  it.each(['socket.io', 'parley'] as const)(
    'connects, emits, receives and survives a restart of a %s server',
    { timeout: 60_000 },
    async (kind) => {
      site = await startSite(kind, bundleDir);
      const page = await browser!.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      const events = () => page.evaluate(() => (window as unknown as { events: string[] }).events);
      const waitForEvent = (event: string, count = 1) =>
        page.waitForFunction(
          ([name, n]) => (window as unknown as { events: string[] }).events.filter((e) => e === name).length >= n,
          [event, count] as const,
          { timeout: 15_000 },
        );

      for (const transports of ['', 'websocket']) {
        await page.goto(`http://127.0.0.1:${site.port}/${transports ? `?transports=${transports}` : ''}`);
        await waitForEvent('ack:from the browser:1,2,3');
        await waitForEvent('welcome:from the server:true:9,8,7');
        expect(await page.evaluate(() => typeof (window as unknown as { io: unknown }).io)).toBe('function');
        // by default the session starts on polling and upgrades to WebSocket
        await page.waitForFunction(
          () =>
            (window as unknown as { socket: { io: { engine: { transport: { name: string } } } } }).socket.io.engine
              .transport.name === 'websocket',
          undefined,
          { timeout: 15_000 },
        );
      }
      // the last page (WebSocket only) keeps running across a restart
      const { port } = site;
      await stopSite(site);
      site = undefined;
      await page.waitForFunction(
        () => (window as unknown as { events: string[] }).events.some((e) => e.startsWith('disconnect:')),
        undefined,
        { timeout: 15_000 },
      );
      site = await startSite(kind, bundleDir, port);
      await waitForEvent('connect', 2);
      await waitForEvent('ack:from the browser:1,2,3', 2);
      await waitForEvent('welcome:from the server:true:9,8,7', 2);
      const disconnects = (await events()).filter((e) => e.startsWith('disconnect:'));
      expect(disconnects).toHaveLength(1);
      expect(disconnects[0]).toMatch(/^disconnect:transport (close|error)$/);
      expect(errors).toEqual([]);
      await page.close();
    },
  );
});
