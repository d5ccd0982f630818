/**
 * `autoUnref: true` in Node: once the app has nothing left to do, the process exits although the
 * client is still connected (its timers, its long-poll request or its WebSocket don't hold it),
 * over polling and over WebSocket; without the option the connection keeps the process alive.
 * The client runs in a child process, built from source for Node.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { socketIoServer, type TestServer } from './helpers.js';

const packageDir = resolve(import.meta.dirname, '..');

// The app holds the process with its own timer until the client connects, then lets go.
const APP = `
import { io } from './client.mjs';
const [url, transport, autoUnref] = process.argv.slice(2);
const hold = setTimeout(() => {}, 60000);
const socket = io(url, { transports: [transport], autoUnref: autoUnref === 'true' });
socket.on('connect', () => { clearTimeout(hold); console.log('connected'); });
`;

describe('autoUnref', () => {
  let dir: string;
  let server: TestServer;
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-unref-'));
    await build({
      entryPoints: [resolve(packageDir, 'src/index.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      conditions: ['@parley/source'],
      external: ['bufferutil', 'utf-8-validate'],
      // ws is CommonJS: give the ESM bundle a require() for its built-in modules
      banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
      outfile: join(dir, 'client.mjs'),
      logLevel: 'error',
    });
    await writeFile(join(dir, 'app.mjs'), APP);
    server = await socketIoServer.start();
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    child = undefined;
  });

  /** Starts the app; resolves once it has connected, with a promise of its exit code. */
  async function runApp(transport: string, autoUnref: boolean): Promise<{ exited: Promise<number | null> }> {
    const app = spawn(process.execPath, [join(dir, 'app.mjs'), server.url, transport, String(autoUnref)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child = app;
    const exited = new Promise<number | null>((done) => app.once('exit', (code) => done(code)));
    await new Promise<void>((done, fail) => {
      const timer = setTimeout(() => fail(new Error('the app did not connect')), 15000);
      app.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('connected')) {
          clearTimeout(timer);
          done();
        }
      });
      app.once('exit', () => fail(new Error('the app exited before connecting')));
    });
    return { exited };
  }

  function within<T>(promise: Promise<T>, ms: number): Promise<T | 'still running'> {
    return new Promise((done) => {
      const timer = setTimeout(() => done('still running'), ms);
      promise.then((value) => {
        clearTimeout(timer);
        done(value);
      });
    });
  }

  for (const transport of ['polling', 'websocket']) {
    it(`lets the process exit while connected [${transport}]`, async () => {
      const { exited } = await runApp(transport, true);
      expect(await within(exited, 10000)).toBe(0);
    });

    it(`without it, the connection keeps the process alive [${transport}]`, async () => {
      const { exited } = await runApp(transport, false);
      expect(await within(exited, 1500)).toBe('still running');
    });
  }
});
