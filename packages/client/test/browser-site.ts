/**
 * Fixtures for the browser tests: headless Chromium (Debian's package, driven by playwright-core),
 * the two client bundles (Parley's, built for the test, and the official socket.io-client's), and
 * a site: an http server with a socket.io or Parley server attached that serves a test page,
 * the bundles, and records every request it receives.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Server as ParleyServer, type ServerOptions as ParleyServerOptions } from '@parley/server';
import { type Browser, chromium } from 'playwright-core';
import { Server, type ServerOptions, type Socket as ServerSocket } from 'socket.io';
import { describeWith } from '../../server/test/support/needs.js';

export const CHROMIUM = '/usr/bin/chromium';
/** `describe` for the browser suites: skipped where Chromium is missing, failed so in CI. */
export const describeWithChromium = describeWith({
  present: existsSync(CHROMIUM),
  what: `Chromium at ${CHROMIUM}`,
  hint: 'Install it with: apt-get install chromium',
});

export type ServerKind = 'socket.io' | 'parley';
export type ClientBundle = 'parley' | 'socket.io-client';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

const packageDir = resolve(import.meta.dirname, '..');

/** Builds Parley's browser bundles (scripts/bundle.mjs) into a new temporary directory; returns it. */
export async function buildBundles(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-browser-'));
  await promisify(execFile)(process.execPath, ['scripts/bundle.mjs', '--outdir', dir], { cwd: packageDir });
  return dir;
}

/** The IIFE bundles by name: Parley's is built into a temporary directory, removed by `dispose`. */
export async function loadBundles(): Promise<{ bundles: Record<ClientBundle, Buffer>; dispose: () => Promise<void> }> {
  const dir = await buildBundles();
  const official = resolve(packageDir, '../../node_modules/socket.io-client/dist/socket.io.min.js');
  return {
    bundles: { parley: await readFile(join(dir, 'socket.io.min.js')), 'socket.io-client': await readFile(official) },
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

/** What the test page does: load one bundle, then `io(url, options)`. */
export interface PageConfig {
  client: ClientBundle;
  /** The Socket.IO server's URL; by default the page's own origin. */
  url?: string;
  options: Record<string, unknown>;
}

/**
 * The test page: `window.events` lists what the socket reports (connect, connect_error:<message>,
 * disconnect:<reason>); `window.socket` is the socket.
 */
function page(config: PageConfig): string {
  const args = [config.url, config.options].filter((a) => a !== undefined).map((a) => JSON.stringify(a));
  return `<!doctype html><meta charset="utf-8"><title>parley</title>
<script src="/clients/${config.client}.js"></script>
<script>
  window.events = [];
  const socket = io(${args.join(', ')});
  window.socket = socket;
  socket.on('connect', () => events.push('connect'));
  socket.on('connect_error', (error) => events.push('connect_error:' + error.message));
  socket.on('disconnect', (reason) => events.push('disconnect:' + reason));
</script>`;
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

export interface Site {
  readonly kind: ServerKind;
  readonly io: Server;
  readonly origin: string;
  /** Every request the http server received, in order. */
  readonly requests: RecordedRequest[];
  /** Server-side reasons of the disconnections seen so far. */
  readonly disconnects: string[];
  /** The URL of the test page that runs `config`. */
  pageUrl(config: PageConfig): string;
  close(): Promise<void>;
}

/**
 * Starts a site on 127.0.0.1: `/page?config=...` is the test page, `/clients/<bundle>.js` the
 * bundles; the socket.io or Parley server (given `options`) handles /socket.io/.
 */
export async function startSite(
  kind: ServerKind,
  bundles: Record<ClientBundle, Buffer>,
  options: Partial<ServerOptions> = {},
): Promise<Site> {
  const serve = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const bundle = /^\/clients\/(.+)\.js$/.exec(url.pathname)?.[1] as ClientBundle | undefined;
    if (bundle && bundles[bundle]) {
      res.writeHead(200, { 'content-type': 'application/javascript' }).end(bundles[bundle]);
    } else if (url.pathname === '/page') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(page(JSON.parse(url.searchParams.get('config')!)));
    } else {
      res.writeHead(404).end();
    }
  };
  // Both servers hand every request outside their path to the listener registered before them.
  const http = createServer(serve);
  const io =
    kind === 'parley'
      ? (new ParleyServer(http, {
          serveClient: false,
          ...(options as Partial<ParleyServerOptions>),
        }) as unknown as Server)
      : new Server(http, { serveClient: false, ...options });
  const requests: RecordedRequest[] = [];
  // Recorded at `emit`, in front of everything: the Parley engine takes its requests there.
  const emit = http.emit;
  http.emit = function (this: typeof http, event: string, ...args: unknown[]) {
    if (event === 'request') {
      const req = args[0] as IncomingMessage;
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    }
    return (emit as (event: string, ...rest: unknown[]) => boolean).call(this, event, ...args);
  } as typeof http.emit;
  const disconnects: string[] = [];
  io.on('connection', (socket: ServerSocket) => {
    socket.on('echo', (value: unknown, cb: (v: unknown) => void) => cb(value));
    socket.on('disconnect', (reason) => disconnects.push(reason));
  });
  await new Promise<void>((done) => http.listen(0, '127.0.0.1', done));
  const origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return {
    kind,
    io,
    origin,
    requests,
    disconnects,
    pageUrl: (config) => `${origin}/page?config=${encodeURIComponent(JSON.stringify(config))}`,
    close: () =>
      new Promise<void>((done) => {
        io.close(() => done());
        // Parley's close() must finish by itself, with the browser's keep-alive connections open.
        if (kind === 'socket.io') http.closeAllConnections();
      }),
  };
}
