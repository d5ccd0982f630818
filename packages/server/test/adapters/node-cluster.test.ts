/**
 * @socket.io/cluster-adapter on Parley, with real node:cluster worker processes: the primary and
 * its two workers run fixtures/node-cluster.ts (bundled with the workspace packages from
 * source); official clients connect to each worker's port, and the test drives the workers'
 * server API through the primary.
 */
import { type ChildProcess, fork } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Socket as ClientSocket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleForNode } from '../support/bundle-for-node.js';
import { waitFor } from '../support/wait.js';
import { type ClusterNode, connect } from './contract.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const BUNDLE = path.join(HERE, '.test-build', `node-cluster-${process.pid}.mjs`);

let primary: ChildProcess;
let nodes: ClusterNode[];
let commandIds = 0;

/** Runs `op` on worker `worker`'s server; resolves with its result (bounded). */
function run(worker: number, op: string, ...args: unknown[]): Promise<unknown> {
  const id = ++commandIds;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      primary.off('message', onMessage);
      reject(new Error(`worker ${worker} did not answer ${op}`));
    }, 10_000);
    function onMessage(message: { id?: number; result?: unknown; error?: string }): void {
      if (message.id !== id) return;
      clearTimeout(timer);
      primary.off('message', onMessage);
      if (message.error !== undefined) reject(new Error(message.error));
      else resolve(message.result);
    }
    primary.on('message', onMessage);
    primary.send({ id, worker, op, args });
  });
}

beforeAll(async () => {
  await bundleForNode(path.join(HERE, 'fixtures', 'node-cluster.ts'), BUNDLE);
  primary = fork(BUNDLE, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [{ ready }] = (await waitFor(primary, 'message', 20_000)) as [{ ready: number[] }];
  nodes = ready.map((port) => ({ io: undefined as never, url: `http://127.0.0.1:${port}` }));
}, 30_000);

afterAll(async () => {
  if (primary !== undefined && primary.exitCode === null) {
    const exited = waitFor(primary, 'exit');
    primary.disconnect();
    await exited;
  }
  fs.rmSync(BUNDLE, { force: true });
});

function record(client: ClientSocket): string[] {
  const events: string[] = [];
  client.onAny((event: string, ...args: unknown[]) => events.push(`${event}:${JSON.stringify(args[0])}`));
  return events;
}

describe('@socket.io/cluster-adapter (node:cluster workers)', () => {
  it('broadcasts from one worker to the clients of every worker, binary intact', async () => {
    const a = await connect(nodes[0], 'a');
    const b = await connect(nodes[1], 'b');
    const received = [waitFor(a, 'news'), waitFor(b, 'news')];
    await run(1, 'emit', undefined, undefined, 'all');
    for (const [text, bytes] of (await Promise.all(received)) as [string, Buffer][]) {
      expect(text).toBe('all');
      expect([...new Uint8Array(bytes)]).toEqual([1, 2, 3]);
    }
  });

  it('reaches rooms minus the excepted ones; a local broadcast stays on its worker', async () => {
    const inRoom = await connect(nodes[0], 'in', { auth: { name: 'in', rooms: ['c-r'] } });
    const excepted = await connect(nodes[1], 'ex', { auth: { name: 'ex', rooms: ['c-r', 'c-x'] } });
    const remote = await connect(nodes[1], 'remote', { auth: { name: 'remote', rooms: ['c-r'] } });
    const logs = [inRoom, excepted, remote].map(record);
    const reached = [waitFor(inRoom, 'news'), waitFor(remote, 'news')];
    await run(0, 'emit', 'c-r', 'c-x', 'room');
    await Promise.all(reached);
    const local = [waitFor(remote, 'news'), waitFor(excepted, 'news')];
    await run(1, 'localEmit');
    await Promise.all(local);
    const ended = [inRoom, excepted, remote].map((client) => waitFor(client, 'news'));
    await run(0, 'emit', undefined, undefined, 'end');
    await Promise.all(ended);
    expect(logs).toEqual([
      ['news:"room"', 'news:"end"'],
      ['news:"local"', 'news:"end"'],
      ['news:"room"', 'news:"local"', 'news:"end"'],
    ]);
  });

  it('collects acknowledgements, fetches sockets and makes them join rooms across workers', async () => {
    const a = await connect(nodes[0], 'a');
    const b = await connect(nodes[1], 'b');
    for (const client of [a, b]) client.on('ask', (n: number, ack: (x: string) => void) => ack(`${client.id}:${n}`));
    expect(await run(0, 'emitWithAck')).toEqual([`${a.id}:7`, `${b.id}:7`].sort());
    const sockets = (await run(1, 'fetchSockets')) as { id: string; data: unknown; rooms: string[] }[];
    expect(sockets).toEqual(
      [
        { id: a.id, data: { name: 'a' }, rooms: [a.id] },
        { id: b.id, data: { name: 'b' }, rooms: [b.id] },
      ].sort((x, y) => String(x.id).localeCompare(String(y.id))),
    );
    await run(0, 'socketsJoin', 'c-j');
    const deadline = Date.now() + 10_000;
    while ((await run(1, 'countIn', 'c-j')) !== 2) {
      if (Date.now() > deadline) throw new Error('the sockets never joined');
    }
    const received = [waitFor(a, 'news'), waitFor(b, 'news')];
    await run(1, 'emit', 'c-j', undefined, 'joined');
    expect((await Promise.all(received)).map(([text]) => text)).toEqual(['joined', 'joined']);
  });

  it('answers serverSideEmit from the other worker and disconnects the sockets of every worker', async () => {
    expect(await run(0, 'serverSideEmitWithAck')).toEqual(['worker 1: 42']);
    const a = await connect(nodes[0], 'a');
    const b = await connect(nodes[1], 'b');
    const closed = [waitFor(a, 'disconnect'), waitFor(b, 'disconnect')];
    await run(1, 'disconnectSockets');
    expect((await Promise.all(closed)).map(([reason]) => reason)).toEqual([
      'io server disconnect',
      'io server disconnect',
    ]);
  });
});
