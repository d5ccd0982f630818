import { readFile, rm } from 'node:fs/promises';
import { createServer, type Server as HttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { Server } from 'socket.io';
import * as msgpackParser from 'socket.io-msgpack-parser';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildBundles, describeWithChromium, launchChromium } from './browser-site.js';

const PAGE = `<!doctype html><meta charset="utf-8"><title>parley msgpack</title>
<script src="/socket.io/socket.io.msgpack.min.js"></script>
<script>
  window.events = [];
  const transports = new URLSearchParams(location.search).get('transports');
  const options = transports ? { transports: transports.split(',') } : {};
  const socket = io(options);
  window.socket = socket;
  socket.on('connect', () => {
    events.push('connect');
    // msgpack's browser encoder carries ArrayBuffers as binary (typed arrays it does not)
    socket.emit('hello', 'from the browser', new Uint8Array([1, 2, 3]).buffer, (answer) => events.push('ack:' + answer));
  });
  socket.on('welcome', (text, bytes) =>
    events.push('welcome:' + text + ':' + (bytes instanceof ArrayBuffer) + ':' + new Uint8Array(bytes).join(',')));
  const admin = io('/admin', options);
  admin.on('ready', (nsp, ack) => { events.push('ready:' + nsp); ack('admin ok'); });
</script>`;

describeWithChromium('msgpack browser bundle in headless Chromium', () => {
  let bundleDir: string;
  let browser: Browser | undefined;
  let http: HttpServer | undefined;
  let io: Server | undefined;
  let port = 0;
  const adminAcks: string[] = [];

  beforeAll(async () => {
    bundleDir = await buildBundles();
    const bundle = await readFile(join(bundleDir, 'socket.io.msgpack.min.js'));
    http = createServer();
    io = new Server(http, { serveClient: false, parser: msgpackParser });
    // The engine claims every request under /socket.io/; serve the page and bundle first.
    const engineListeners = http.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
    http.removeAllListeners('request');
    http.on('request', (req, res) => {
      const path = req.url?.split('?')[0];
      if (path === '/socket.io/socket.io.msgpack.min.js') {
        res.writeHead(200, { 'content-type': 'application/javascript' }).end(bundle);
      } else if (path === '/') {
        res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
      } else {
        for (const listener of engineListeners) listener.call(http, req, res);
      }
    });
    io.on('connection', (socket) => {
      socket.on('hello', (text: string, bytes: Buffer, ack: (answer: string) => void) => {
        ack(`${text}:${[...bytes].join(',')}`);
        socket.emit('welcome', 'from the server', Buffer.from([9, 8, 7]));
      });
    });
    io.of('/admin').on('connection', async (socket) => {
      adminAcks.push(await socket.timeout(10_000).emitWithAck('ready', socket.nsp.name));
    });
    await new Promise<void>((done) => http!.listen(0, '127.0.0.1', done));
    port = (http.address() as AddressInfo).port;
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((done) => {
      if (!io) return done();
      io.close(() => done());
      http?.closeAllConnections();
    });
    await rm(bundleDir, { recursive: true, force: true });
  });

  it('connects with msgpack by default: events, acks, binary, namespaces', { timeout: 60_000 }, async () => {
    const page = await browser!.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const waitForEvent = (event: string) =>
      page.waitForFunction((name) => (window as unknown as { events: string[] }).events.includes(name), event, {
        timeout: 15_000,
      });
    for (const transports of ['', 'websocket']) {
      await page.goto(`http://127.0.0.1:${port}/${transports ? `?transports=${transports}` : ''}`);
      await waitForEvent('ack:from the browser:1,2,3');
      await waitForEvent('welcome:from the server:true:9,8,7');
      await waitForEvent('ready:/admin');
    }
    await page.close();
    expect(adminAcks).toEqual(['admin ok', 'admin ok']);
    expect(errors).toEqual([]);
  });
});
