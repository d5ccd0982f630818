import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, it } from 'vitest';
import { defaultBundleDirectory, Server, type Socket } from '../src/index.js';
import { track, within } from './support/harness.js';
import { describeWith } from './support/needs.js';

// @parley-engine either: PARLEY_ENGINE=engine.io runs this suite on the official engine.io (support/engine-choice.ts).

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => existsSync(path));
const bundleDir = defaultBundleDirectory();
const bundleBuilt = bundleDir !== undefined && existsSync(`${bundleDir}/socket.io.js`);

const PAGE = `<!doctype html><html><body>
<script src="/socket.io/socket.io.js"></script>
<script>
  const socket = io();
  socket.on('welcome', (text) => socket.emit('hello from the page', text + '!'));
</script>
</body></html>`;

// The whole path a browser takes: the page loads the served bundle and calls io().
const chromium = {
  present: CHROMIUM !== undefined,
  what: 'Chromium at /usr/bin/chromium',
  hint: 'Install it with: apt-get install chromium',
};
const bundle = {
  present: bundleBuilt,
  what: 'the built client bundle (packages/client/dist/bundle)',
  hint: 'Build it with: npm run build -w @parley/client',
};

describeWith(chromium, bundle)('in a browser', () => {
  it('serves a page that loads /socket.io/socket.io.js and connects with io()', async () => {
    const http = createServer((req, res) => {
      res.writeHead(req.url === '/' ? 200 : 404, { 'Content-Type': 'text/html' });
      res.end(req.url === '/' ? PAGE : '');
    });
    const io = new Server(http);
    track(io, http);
    http.listen(0);
    await once(http, 'listening');
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    io.on('connection', (socket: Socket) => socket.emit('welcome', 'hi'));
    const heard = new Promise<unknown[]>((resolve) =>
      io.on('connection', (socket: Socket) => socket.on('hello from the page', (...args: unknown[]) => resolve(args))),
    );
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (message) => problems.push(message.text()));
      page.on('pageerror', (error) => problems.push(String(error)));
      await page.goto(url);
      const answer = await within(heard, 10_000, 'the page').catch((error) => [String(error), ...problems]);
      expect(answer).toEqual(['hi!']);
    } finally {
      await browser.close();
    }
  });
});
