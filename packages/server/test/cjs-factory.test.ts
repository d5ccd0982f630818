import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import createServerFactory from '../src/index.cjs.js';
import * as esm from '../src/index.js';
import { connected, track, waitFor } from './support/harness.js';
import { itWith } from './support/needs.js';

// @parley-engine either: PARLEY_ENGINE=engine.io runs this suite on the official engine.io (support/engine-choice.ts).

type Factory = typeof createServerFactory;

/** The seed chat server, exactly as written for socket.io, with the package name changed. */
function seedChatServer(require: (id: string) => unknown, httpServer: HttpServer) {
  const io = (require('@parley/server') as Factory)(httpServer);
  io.on('connection', (socket) => {
    socket.on('chat message', (msg: unknown) => {
      io.emit('chat message', msg);
    });
  });
  return io;
}

async function chatBetweenTwoClients(require: (id: string) => unknown) {
  const httpServer = createServer();
  const io = seedChatServer(require, httpServer);
  track(io as unknown as esm.Server, httpServer);
  httpServer.listen(0);
  await once(httpServer, 'listening');
  const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  const alice = await connected(url, 'upgrade');
  const bob = await connected(url, 'polling');
  const toAlice = waitFor(alice, 'chat message');
  const toBob = waitFor(bob, 'chat message');
  alice.emit('chat message', 'hi bob');
  expect(await toAlice).toEqual(['hi bob']);
  expect(await toBob).toEqual(['hi bob']);
  return io;
}

describe('the CommonJS factory and the seed chat server', () => {
  it('works with the factory module (src/index.cjs.ts, which the build makes module.exports)', async () => {
    const io = await chatBetweenTwoClients(() => createServerFactory);
    expect(io).toBeInstanceOf(esm.Server);
    // Every named export of the ESM entry is also on the callable export.
    for (const name of Object.keys(esm)) {
      expect((createServerFactory as unknown as Record<string, unknown>)[name], name).toBe(
        (esm as Record<string, unknown>)[name],
      );
    }
    expect(new createServerFactory.Server().path()).toBe('/socket.io');
  });

  // In a plain Node process (no test-runner module hooks), exactly as an application runs it.
  const built = {
    present: existsSync(new URL('../dist/index.cjs', import.meta.url)),
    what: 'the built package (packages/server/dist)',
    hint: 'Build it with: npm run build -w @parley/server',
  };
  itWith(built)('works with a real require() of the built package in plain Node', async () => {
    const script = `
      const httpServer = require('node:http').createServer();
      const io = require('@parley/server')(httpServer);
      io.on('connection', (socket) => {
        socket.on('chat message', (msg) => {
          io.emit('chat message', msg);
        });
      });
      httpServer.listen(0, () => console.log(httpServer.address().port));
    `;
    const child = spawn(process.execPath, ['-e', script], { cwd: fileURLToPath(new URL('..', import.meta.url)) });
    const exited = once(child, 'exit');
    try {
      const [chunk] = (await waitFor(child.stdout, 'data', 10_000)) as [Buffer];
      const url = `http://127.0.0.1:${Number(chunk.toString().trim())}`;
      const alice = await connected(url, 'upgrade');
      const bob = await connected(url, 'websocket');
      const toBob = waitFor(bob, 'chat message');
      const toAlice = waitFor(alice, 'chat message');
      alice.emit('chat message', 'hello from alice');
      expect(await toBob).toEqual(['hello from alice']);
      expect(await toAlice).toEqual(['hello from alice']);
    } finally {
      child.kill();
      await exited;
    }
  });
});
