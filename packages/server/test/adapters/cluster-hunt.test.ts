/**
 * @socket.io/cluster-adapter side by side: each scenario runs on a node:cluster of three
 * socket.io workers, then on a node:cluster of three Parley workers (fixtures/cluster-hunt.ts,
 * both started once), with official `socket.io-client`s connected to the workers' ports, and what
 * the clients and the workers' server API observe must be the same.
 */
import { type ChildProcess, fork } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Socket as ClientSocket, io as ioc, type ManagerOptions, type SocketOptions } from 'socket.io-client';
import msgpackParser from 'socket.io-msgpack-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleForNode } from '../support/bundle-for-node.js';
import type { TransportMode } from '../support/transport-modes.js';
import { type V2Socket, v2Client } from '../support/v2-client.js';
import { until, WAIT_MS, waitFor, within } from '../support/wait.js';
import type { StepArg } from './fixtures/cluster-hunt-steps.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const BUNDLE = path.join(HERE, '.test-build', `cluster-hunt-${process.pid}.mjs`);
const WORKERS = 3;

type Flavour = 'socket.io' | 'parley';

/** One running cluster: its primary, the workers' ports, and the clients a scenario connected. */
interface Cluster {
  primary: ChildProcess;
  ports: number[];
  alive: boolean[];
  /** Per worker, settles when its process has exited. */
  exits: Promise<void>[];
  clients: ClientSocket[];
  /** socket.io-client 2.x clients a scenario connected. */
  v2Clients: V2Socket[];
}

let commandIds = 0;

/** Sends a command to `cluster`'s primary; resolves with the answer (bounded). */
function command(cluster: Cluster, message: Record<string, unknown>, what: string): Promise<unknown> {
  const id = ++commandIds;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cluster.primary.off('message', onMessage);
      reject(new Error(`no answer to ${what}`));
    }, WAIT_MS);
    function onMessage(answer: { id?: number; result?: unknown; error?: string }): void {
      if (answer.id !== id) return;
      clearTimeout(timer);
      cluster.primary.off('message', onMessage);
      if (answer.error !== undefined) reject(new Error(answer.error));
      else resolve(answer.result);
    }
    cluster.primary.on('message', onMessage);
    cluster.primary.send({ ...message, id });
  });
}

async function startCluster(flavour: Flavour, serverOpts: Record<string, unknown>): Promise<Cluster> {
  const primary = fork(BUNDLE, {
    env: { ...process.env, FLAVOUR: flavour, SERVER_OPTS: JSON.stringify(serverOpts) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  const [{ ready }] = (await waitFor(primary, 'message', 20_000)) as [{ ready: number[] }];
  const alive = ready.map(() => true);
  const exits = ready.map(
    (_, worker) =>
      new Promise<void>((resolve) => {
        const onExit = (message: { exited?: number }) => {
          if (message.exited !== worker) return;
          alive[worker] = false;
          primary.off('message', onExit);
          resolve();
        };
        primary.on('message', onExit);
      }),
  );
  return { primary, ports: ready, alive, exits, clients: [], v2Clients: [] };
}

async function stopCluster(cluster: Cluster): Promise<void> {
  for (const client of cluster.clients.splice(0)) client.disconnect();
  for (const client of cluster.v2Clients.splice(0)) client.close();
  if (cluster.primary.exitCode !== null) return;
  const exited = waitFor(cluster.primary, 'exit');
  cluster.primary.disconnect();
  await exited;
}

const bundled = bundleForNode(path.join(HERE, 'fixtures', 'cluster-hunt.ts'), BUNDLE);
bundled.catch(() => {});
afterAll(() => fs.rmSync(BUNDLE, { force: true }));

/**
 * Starts a socket.io cluster and a Parley cluster (with `serverOpts`) before the enclosing
 * describe's tests, and stops them after; `sameOnBoth` runs scenarios on them.
 */
function useClusters(serverOpts: Record<string, unknown> = {}): Map<Flavour, Cluster> {
  const clusters = new Map<Flavour, Cluster>();
  beforeAll(async () => {
    await bundled;
    const flavours = ['socket.io', 'parley'] as const;
    const started = await Promise.all(flavours.map((flavour) => startCluster(flavour, serverOpts)));
    for (const [i, flavour] of flavours.entries()) clusters.set(flavour, started[i]);
  }, 40_000);
  afterAll(async () => {
    await Promise.all([...clusters.values()].map(stopCluster));
  });
  return clusters;
}

/** What a scenario drives: one cluster's workers and clients. */
interface Side {
  flavour: Flavour;
  /** Runs a step of fixtures/cluster-hunt-steps.ts on worker `worker`. */
  run(worker: number, step: string, arg?: StepArg): Promise<unknown>;
  /** A connected official client of worker `worker`, named `name` on the server. */
  connect(
    worker: number,
    name: string,
    opts?: Partial<ManagerOptions & SocketOptions>,
    nsp?: string,
  ): Promise<ClientSocket>;
  /** A connected socket.io-client 2.x of worker `worker` (`allowEIO3`), named in its query. */
  connectV2(worker: number, mode: TransportMode, query: Record<string, string>): Promise<V2Socket>;
  /** SIGKILLs worker `worker`'s process. */
  kill(worker: number): Promise<void>;
  /** Resolves once worker `worker`'s process has exited. */
  exited(worker: number): Promise<void>;
}

function sideOf(flavour: Flavour, cluster: Cluster): Side {
  return {
    flavour,
    run: (worker, step, arg = {}) => command(cluster, { worker, step, arg }, `${step} on worker ${worker}`),
    async connect(worker, name, opts = {}, nsp = '') {
      const client = ioc(`http://127.0.0.1:${cluster.ports[worker]}${nsp}`, {
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
        auth: { name },
        ...opts,
      });
      cluster.clients.push(client);
      if (!client.connected) await waitFor(client, 'connect');
      return client;
    },
    async connectV2(worker, mode, query) {
      const client = v2Client(`http://127.0.0.1:${cluster.ports[worker]}`, mode, { query });
      cluster.v2Clients.push(client);
      await waitFor(client, 'connect');
      return client;
    },
    async kill(worker) {
      await command(cluster, { kill: worker }, `kill worker ${worker}`);
    },
    exited: (worker) => within(cluster.exits[worker], WAIT_MS, `worker ${worker} to exit`),
  };
}

/** Disconnects a scenario's clients and waits until no worker still holds a socket or a log line. */
async function cleanUp(cluster: Cluster, side: Side): Promise<void> {
  for (const client of cluster.clients.splice(0)) client.disconnect();
  for (const client of cluster.v2Clients.splice(0)) client.close();
  const live = cluster.alive.flatMap((alive, worker) => (alive ? [worker] : []));
  for (const worker of live)
    await until(async () => (await side.run(worker, 'allSockets', { local: true })) === 0, WAIT_MS, 'no sockets left');
  for (const worker of live) await side.run(worker, 'log');
}

/**
 * Runs `scenario` on the socket.io cluster, then on the Parley cluster (`together`: on both at
 * once, for scenarios that mostly wait), and expects the same observation.
 */
async function sameOnBoth(
  clusters: Map<Flavour, Cluster>,
  scenario: (side: Side) => Promise<unknown>,
  { together = false } = {},
): Promise<void> {
  const runOn = async (flavour: Flavour) => {
    const cluster = clusters.get(flavour) as Cluster;
    const side = sideOf(flavour, cluster);
    try {
      return await scenario(side);
    } finally {
      await cleanUp(cluster, side);
    }
  };
  const observed = together
    ? await Promise.all([runOn('socket.io'), runOn('parley')])
    : [await runOn('socket.io'), await runOn('parley')];
  expect(observed[1]).toEqual(observed[0]);
}

/** Every event `client` receives, as `event:args`. */
function record(client: ClientSocket): string[] {
  const events: string[] = [];
  client.onAny((event: string, ...args: unknown[]) => events.push(`${event}:${JSON.stringify(args)}`));
  return events;
}

/** Broadcasts `end` from `worker` and waits until every client in `clients` got it. */
async function settle(side: Side, worker: number, clients: (ClientSocket | V2Socket)[]): Promise<void> {
  const ended = clients.map((client) => waitFor(client, 'end'));
  await side.run(worker, 'emit', { event: 'end' });
  await Promise.all(ended);
}

/** Polls worker `worker`'s log until it holds `count` lines; returns them. */
async function logOf(side: Side, worker: number, count: number): Promise<string[]> {
  const lines: string[] = [];
  await until(
    async () => {
      lines.push(...((await side.run(worker, 'log')) as string[]));
      return lines.length >= count;
    },
    WAIT_MS,
    `${count} log lines on worker ${worker}`,
  );
  return lines.sort();
}

describe('@socket.io/cluster-adapter on node:cluster workers: socket.io and Parley observe the same', () => {
  const clusters = useClusters();
  it('serverCount, on the main namespace and on one every worker opened later', async () => {
    await sameOnBoth(clusters, async (side) => {
      const counts: unknown[] = [];
      for (let worker = 0; worker < WORKERS; worker++) counts.push(await side.run(worker, 'serverCount'));
      // A namespace's adapter starts its heartbeats when the namespace is made.
      for (let worker = 0; worker < WORKERS; worker++) await side.run(worker, 'serverCount', { nsp: '/late' });
      await until(async () => (await side.run(0, 'serverCount', { nsp: '/late' })) === WORKERS, WAIT_MS, '/late');
      return counts;
    });
  });

  it('broadcasts to rooms, except, a socket id, local and volatile, binary intact', async () => {
    await sameOnBoth(clusters, async (side) => {
      const a = await side.connect(0, 'a', { auth: { name: 'a', rooms: ['r'] } });
      const b = await side.connect(1, 'b', { auth: { name: 'b', rooms: ['r', 'x'] } });
      const c = await side.connect(2, 'c', { auth: { name: 'c', rooms: ['s'] } });
      const d = await side.connect(2, 'd');
      const p = await side.connect(1, 'p', { auth: { name: 'p', rooms: ['r', 'polling'] }, transports: ['polling'] });
      const clients = [a, b, c, d, p];
      const logs = clients.map(record);
      const returned = [
        await side.run(0, 'emit', { to: 'r', event: 'news', args: ['to r'], binary: true }),
        await side.run(1, 'emit', { to: ['r', 's'], except: 'x', event: 'news', args: ['r s minus x'] }),
        await side.run(2, 'emit', { except: ['r'], event: 'news', args: ['all minus r'] }),
        await side.run(1, 'emit', { local: true, event: 'news', args: ['local on 1'] }),
        await side.run(2, 'emit', { to: 'r', local: true, event: 'news', args: ['r local on 2'] }),
        // Over polling, whether a GET is waiting when a volatile packet comes varies: p is left out.
        await side.run(0, 'emit', {
          volatile: true,
          except: 'polling',
          event: 'news',
          args: ['volatile'],
          binary: true,
        }),
        await side.run(2, 'emit', { to: a.id, event: 'news', args: ['to a by id'] }),
        await side.run(1, 'emit', { to: 'r', except: b.id, event: 'news', args: ['r minus b by id'] }),
        await side.run(0, 'emit', { nsp: '/', to: 'nobody', event: 'news', args: ['nobody'] }),
      ];
      await settle(side, 1, clients);
      return { returned, logs };
    });
  });

  it('the order of adapter and direct emits in one turn, then disconnectSockets in the same turn', async () => {
    await sameOnBoth(clusters, async (side) => {
      const a = await side.connect(0, 'a', { auth: { name: 'a', rooms: ['r'] } });
      const b = await side.connect(0, 'b', { auth: { name: 'b', rooms: ['r'] } });
      const c = await side.connect(1, 'c', { auth: { name: 'c', rooms: ['r'] } });
      const clients = [a, b, c];
      const logs = clients.map(record);
      await side.run(0, 'order', { name: 'a' });
      await settle(side, 0, clients);
      const closed = clients.map((client) =>
        waitFor(client, 'disconnect').then(([reason]) => logs[clients.indexOf(client)].push(`disconnect ${reason}`)),
      );
      await side.run(0, 'order', { name: 'b', close: true });
      await Promise.all(closed);
      return logs;
    });
  });

  it('argument shapes carried across workers, and reserved event names refused', async () => {
    await sameOnBoth(clusters, async (side) => {
      const a = await side.connect(0, 'a');
      const b = await side.connect(1, 'b');
      const logs = [a, b].map(record);
      const count = (await side.run(0, 'shapes')) as number;
      await settle(side, 0, [a, b]);
      // An error's first line, without its class name (Parley's are typed: README, Compatibility).
      const refused = (error: Error) => error.message.split('\n')[0].replace(/^\w*Error: /, '');
      const reserved = [
        await side.run(1, 'emit', { event: 'connect' }).catch(refused),
        await side.run(1, 'emit', { to: 'r', event: 'disconnecting' }).catch(refused),
        await side.run(1, 'emitAck', { timeout: 100, event: 'newListener' }).catch(refused),
      ];
      return { count, logs, reserved };
    });
  });

  it('fetchSockets: every field of local and remote sockets, with rooms, except and local', async () => {
    await sameOnBoth(clusters, async (side) => {
      await side.connect(0, 'a', { auth: { name: 'a', rooms: ['r'] }, query: { q: '1' } });
      await side.connect(1, 'b', { auth: { name: 'b', rooms: ['r', 's'] }, query: { q: '2' } });
      await side.connect(2, 'c', { auth: { name: 'c' }, extraHeaders: { 'x-custom': 'yes' } });
      await side.connect(2, 'p', { auth: { name: 'p' }, transports: ['polling'], upgrade: false });
      await side.run(1, 'setData', { name: 'b' });
      return {
        all: await side.run(0, 'fetch'),
        inR: await side.run(2, 'rooms', { to: 'r' }),
        exceptS: await side.run(1, 'rooms', { except: 's' }),
        local: await side.run(1, 'rooms', { local: true }),
        allSockets: await side.run(2, 'allSockets'),
        allInR: await side.run(2, 'allSockets', { to: 'r' }),
      };
    });
  });

  it('a remote socket: join, leave, emit, acknowledgements and disconnect', async () => {
    await sameOnBoth(clusters, async (side) => {
      const b = await side.connect(1, 'b');
      const c = await side.connect(2, 'c');
      const logs = [b, c].map(record);
      b.on('answer', (n: number, ack: (x: unknown, y: unknown) => void) => ack(n + 1, 'second'));
      b.on('silent', () => {});
      await side.run(0, 'fetch');
      const joined = await side.run(0, 'remote', { name: 'b', method: 'join', args: [['x', 'y']] });
      await until(async () => JSON.stringify(await side.run(1, 'localSockets')).includes('"y"'), WAIT_MS, 'joined');
      const left = await side.run(0, 'remote', { name: 'b', method: 'leave', args: ['x'] });
      await until(async () => !JSON.stringify(await side.run(1, 'localSockets')).includes('"x"'), WAIT_MS, 'left');
      const rooms = await side.run(1, 'localSockets');
      const emitted = await side.run(0, 'remote', { name: 'b', method: 'emit', args: ['hello', 1, { two: 2 }] });
      const answered = await side.run(0, 'remoteAck', { name: 'b', timeout: 2000, event: 'answer', args: [1] });
      const silent = await side.run(0, 'remoteAck', { name: 'b', timeout: 200, event: 'silent' });
      const rejected = await side.run(0, 'remoteEmitWithAck', { name: 'b', timeout: 200, event: 'silent' });
      const resolved = await side.run(0, 'remoteEmitWithAck', { name: 'b', timeout: 2000, event: 'answer', args: [5] });
      await settle(side, 0, [b, c]);
      // b's connection also carries a socket of /other, which closes with it.
      const bOther = b.io.socket('/other', { auth: { name: 'b-other' } });
      await waitFor(bOther, 'connect');
      const closed = [waitFor(b, 'disconnect'), waitFor(c, 'disconnect'), waitFor(bOther, 'disconnect')];
      const engineClosed = waitFor(b.io.engine, 'close');
      await side.run(0, 'remote', { name: 'b', method: 'disconnect', args: [true] });
      await side.run(0, 'remote', { name: 'c', method: 'disconnect' });
      const reasons = (await Promise.all(closed)).map(([reason]) => reason);
      await engineClosed;
      const serverLogs = [await logOf(side, 1, 2), await logOf(side, 2, 1)];
      return {
        joined,
        left,
        rooms,
        emitted,
        answered,
        silent,
        rejected,
        resolved,
        logs,
        reasons,
        serverLogs,
      };
    });
  });

  it("the adapter's room events as sockets connect, join and leave remotely, and go", async () => {
    await sameOnBoth(clusters, async (side) => {
      await side.run(1, 'watchAdapter');
      const b = await side.connect(1, 'b', { auth: { name: 'b', rooms: ['r', 's'] } });
      const c = await side.connect(1, 'c', { auth: { name: 'c', rooms: ['r'] } });
      await side.run(0, 'fetch');
      await side.run(0, 'remote', { name: 'b', method: 'join', args: [['x', 'r']] });
      await side.run(2, 'socketsLeave', { to: 'r', rooms: 's' });
      await side.run(0, 'remote', { name: 'c', method: 'leave', args: ['r'] });
      const settled = JSON.stringify([
        ['b', ['<id>', 'r', 'x']],
        ['c', ['<id>']],
      ]);
      await until(async () => JSON.stringify(await side.run(1, 'localSockets')) === settled, WAIT_MS, 'rooms');
      const bGone = waitFor(b, 'disconnect');
      await side.run(0, 'remote', { name: 'b', method: 'disconnect' });
      await bGone;
      c.disconnect();
      await until(async () => (await side.run(1, 'allSockets', { local: true })) === 0, WAIT_MS, 'c gone');
      await side.run(1, 'unwatchAdapter');
      return side.run(1, 'log', { ordered: true });
    });
  });

  it('broadcast acknowledgements across workers: all, partial on timeout, none, binary answers', async () => {
    await sameOnBoth(clusters, async (side) => {
      const a = await side.connect(0, 'a', { auth: { name: 'a', rooms: ['r'] } });
      const b = await side.connect(1, 'b', { auth: { name: 'b', rooms: ['r'] } });
      const c = await side.connect(2, 'c');
      const p = await side.connect(2, 'p', { auth: { name: 'p', rooms: ['r'] }, transports: ['polling'] });
      const o = await side.connect(1, 'o', {}, '/other');
      for (const client of [a, b, c, p, o])
        client.on('ask', (n: number, ack: (x: unknown) => void) =>
          ack(`${(client.auth as { name: string }).name} ${n}`),
        );
      a.on('partly', (ack: (x: unknown) => void) => ack('a'));
      b.on('partly', () => {});
      c.on('partly', (ack: (x: unknown) => void) => ack('c'));
      a.on('bin', (ack: (x: unknown) => void) => ack(Buffer.from([1])));
      p.on('bin', (ack: (x: unknown) => void) => ack([Buffer.from([3]), 'p']));
      b.on('bin', (ack: (x: unknown) => void) => ack({ b: Buffer.from([2]) }));
      c.on('bin', (ack: (x: unknown, y: unknown) => void) => ack('c', 'ignored'));
      return {
        all: await side.run(1, 'emitAck', { timeout: 2000, event: 'ask', args: [1] }),
        toR: await side.run(2, 'emitWithAck', { timeout: 2000, to: 'r', event: 'ask', args: [2] }),
        exceptR: await side.run(0, 'emitWithAck', { timeout: 2000, except: 'r', event: 'ask', args: [3] }),
        // socket.io waits for the other workers' counts, which a local broadcast never asks for: it times out.
        local: await side.run(0, 'emitWithAck', { timeout: 300, local: true, event: 'ask', args: [4] }),
        partial: await side.run(2, 'emitAck', { timeout: 500, event: 'partly' }),
        partialPromise: await side.run(0, 'emitWithAck', { timeout: 500, event: 'partly' }),
        nobody: await side.run(0, 'emitAck', { timeout: 300, to: 'nobody', event: 'ask' }),
        nobodyPromise: await side.run(1, 'emitWithAck', { timeout: 300, to: 'nobody', event: 'ask' }),
        binary: await side.run(0, 'emitWithAck', { timeout: 2000, event: 'bin' }),
        other: await side.run(2, 'emitWithAck', { nsp: '/other', timeout: 2000, event: 'ask', args: [5] }),
      };
    });
  });

  it('serverSideEmit with and without an ack, a silent listener, a reserved name', async () => {
    await sameOnBoth(clusters, async (side) => {
      const plain = await side.run(0, 'serverSideEmit', { event: 'plain', args: ['x', { n: 1 }, [2], null] });
      const heard = [await logOf(side, 1, 1), await logOf(side, 2, 1)];
      const own = await side.run(0, 'log');
      await side.run(2, 'serverSideEmit', { event: 'binary', args: [{ n: 1 }], binary: true });
      const binary = [await logOf(side, 0, 1), await logOf(side, 1, 1)];
      return {
        plain,
        heard,
        own,
        binary,
        question: await side.run(0, 'serverSideEmitAck', { event: 'question', args: [21] }),
        questionPromise: await side.run(2, 'serverSideEmitWithAck', { event: 'question', args: [1] }),
        two: await side.run(1, 'serverSideEmitWithAck', { event: 'two' }),
        other: await side.run(0, 'serverSideEmit', { nsp: '/other', event: 'plain', args: [{ x: 1 }] }),
        otherHeard: [await logOf(side, 1, 1), await logOf(side, 2, 1)],
        otherAnswers: await side.run(1, 'serverSideEmitWithAck', { nsp: '/other', event: 'question' }),
        reserved: await side.run(0, 'serverSideEmit', { event: 'connection' }),
        reservedAck: await side.run(0, 'serverSideEmitWithAck', { event: 'new_namespace' }),
      };
    });
  });

  it('serverSideEmit answered by one worker of two: the adapter ends it after its 5 s request timeout', async () => {
    // The clusters wait side by side: the observations are compared all the same.
    await sameOnBoth(
      clusters,
      async (side) => ({
        half: await side.run(2, 'serverSideEmitAck', { event: 'half' }),
        heard: [await logOf(side, 0, 1), await logOf(side, 1, 1)],
      }),
      { together: true },
    );
  });

  it('socketsJoin, socketsLeave and disconnectSockets across workers, with rooms, except and local', async () => {
    await sameOnBoth(clusters, async (side) => {
      const a = await side.connect(0, 'a', { auth: { name: 'a', rooms: ['r'] } });
      const b = await side.connect(1, 'b', { auth: { name: 'b', rooms: ['r', 'x'] } });
      const c = await side.connect(2, 'c', { auth: { name: 'c' } });
      const d = await side.connect(2, 'd', { auth: { name: 'd', rooms: ['r'] } });
      const rooms = () => side.run(0, 'rooms') as Promise<[string, string[]][]>;
      const count = async (room: string) => (await rooms()).filter(([, r]) => r.includes(room)).length;
      await side.run(0, 'socketsJoin', { to: 'r', except: 'x', rooms: ['j', 'k'] });
      await side.run(0, 'socketsJoin', { local: true, rooms: 'l' });
      await side.run(1, 'socketsJoin', { except: 'r', rooms: 'j' });
      await until(async () => (await count('j')) === 3 && (await count('l')) === 1, WAIT_MS, 'joins');
      const joined = await rooms();
      await side.run(2, 'socketsLeave', { to: 'j', rooms: ['k'] });
      await side.run(1, 'socketsLeave', { to: 'r', local: true, rooms: 'r' });
      await until(async () => (await count('k')) === 0 && (await count('r')) === 2, WAIT_MS, 'leaves');
      const left = await rooms();
      const clients = { a, b, c, d };
      const reasons: string[] = [];
      const closed = Object.entries(clients).map(([name, client]) =>
        waitFor(client, 'disconnect').then(([reason]) => reasons.push(`${name} ${reason}`)),
      );
      await side.run(1, 'disconnectSockets', { to: 'j', except: 'l', close: true });
      await Promise.all([closed[2], closed[3]]);
      await side.run(1, 'disconnectSockets', { local: true });
      await closed[1];
      await side.run(2, 'disconnectSockets');
      await closed[0];
      const serverLogs = [await logOf(side, 0, 1), await logOf(side, 1, 1), await logOf(side, 2, 2)];
      return { joined, left, reasons: reasons.sort(), serverLogs };
    });
  });

  it("a socket's broadcasts across workers: to, except, broadcast, with acknowledgements", async () => {
    await sameOnBoth(clusters, async (side) => {
      const a = await side.connect(0, 'a', { auth: { name: 'a', rooms: ['r'] } });
      const b = await side.connect(1, 'b', { auth: { name: 'b', rooms: ['r'] } });
      const c = await side.connect(2, 'c', { auth: { name: 'c', rooms: ['x'] } });
      const clients = [a, b, c];
      const logs = clients.map(record);
      for (const client of clients)
        client.on('ask', (ack: (x: unknown) => void) => ack((client.auth as { name: string }).name));
      const returned = [
        await side.run(0, 'socketEmit', { name: 'a', to: 'r', event: 'news', args: ['a to r'], binary: true }),
        await side.run(0, 'socketEmit', { name: 'a', broadcast: true, event: 'news', args: ['a broadcast'] }),
        await side.run(1, 'socketEmit', { name: 'b', except: 'x', event: 'news', args: ['b except x'] }),
        await side.run(2, 'socketEmit', { name: 'c', to: ['r', 'x'], event: 'news', args: ['c to r x'] }),
      ];
      const acks = [
        await side.run(0, 'socketEmit', { name: 'a', to: 'r', timeout: 2000, event: 'ask' }),
        await side.run(1, 'socketEmit', { name: 'b', broadcast: true, timeout: 2000, event: 'ask' }),
        await side.run(2, 'socketEmit', { name: 'c', except: 'r', timeout: 300, event: 'ask' }),
      ];
      await settle(side, 2, clients);
      return { returned, acks, logs };
    });
  });

  it('outgoing listeners see broadcasts that come from another worker', async () => {
    await sameOnBoth(clusters, async (side) => {
      const b = await side.connect(1, 'b', { auth: { name: 'b', rooms: ['r'] } });
      b.on('ask', (n: number, ack: (x: unknown) => void) => ack(n));
      await side.run(1, 'watchOutgoing', { name: 'b' });
      const got = waitFor(b, 'news');
      await side.run(0, 'emit', { to: 'r', event: 'news', args: [1], binary: true });
      await got;
      const answers = await side.run(2, 'emitWithAck', { timeout: 2000, event: 'ask', args: [3] });
      await side.run(1, 'emit', { event: 'local', local: true });
      return { answers, outgoing: await logOf(side, 1, 3) };
    });
  });

  it('a parent namespace: its broadcasts, acknowledgements and socket operations, across workers', async () => {
    await sameOnBoth(clusters, async (side) => {
      const a = await side.connect(0, 'a', { auth: { name: 'a', rooms: ['r'] } }, '/dyn-1');
      const b = await side.connect(1, 'b', { auth: { name: 'b', rooms: ['r'] } }, '/dyn-1');
      const c = await side.connect(1, 'c', {}, '/dyn-2');
      const d = await side.connect(2, 'd', {}, '/dyn-3');
      const clients = [a, b, c, d];
      const logs = clients.map(record);
      for (const client of clients)
        client.on('ask', (ack: (x: unknown) => void) => ack((client.auth as { name: string }).name));
      const parent = { parent: true };
      const emits = [
        await side.run(0, 'emit', { ...parent, event: 'news', args: ['parent on 0'] }),
        await side.run(1, 'emit', { ...parent, to: 'r', event: 'news', args: ['parent to r on 1'] }),
        await side.run(2, 'emit', { ...parent, local: true, event: 'news', args: ['parent local on 2'] }),
        await side.run(2, 'emit', { nsp: '/dyn-1', event: 'news', args: ['child dyn-1 on 2'] }),
      ];
      const acks = [
        await side.run(1, 'emitWithAck', { ...parent, timeout: 500, event: 'ask' }),
        await side.run(0, 'emitAck', { ...parent, timeout: 500, to: 'r', event: 'ask' }),
      ];
      await side.run(1, 'socketsJoin', { ...parent, rooms: 'j' });
      await side.run(2, 'socketsJoin', { nsp: '/dyn-1', rooms: 'k' });
      await until(async () => JSON.stringify(await side.run(0, 'rooms', { nsp: '/dyn-1' })).split('"k"').length === 3);
      await side.run(0, 'socketsLeave', { ...parent, rooms: 'k' });
      await side.run(1, 'disconnectSockets', { ...parent, close: true });
      // Broadcast from a worker with every child, the end marker comes after anything the above sent.
      const ended = clients.map((client) => waitFor(client, 'end'));
      for (const [worker, nsp] of [
        [0, '/dyn-1'],
        [1, '/dyn-2'],
        [2, '/dyn-3'],
      ] as const)
        await side.run(worker, 'emit', { nsp, event: 'end' });
      await Promise.all(ended);
      const rooms = [
        await side.run(0, 'localSockets', { nsp: '/dyn-1' }),
        await side.run(1, 'localSockets', { nsp: '/dyn-1' }),
        await side.run(1, 'localSockets', { nsp: '/dyn-2' }),
      ];
      const connected = clients.map((client) => client.connected);
      return { emits, acks, logs, rooms, connected };
    });
  });

  it('a worker that closes, then one that is killed: what the remaining worker and the clients see', async () => {
    // A broadcast with an ack and no timeout, while a killed worker's count is still expected.
    const untimedAfterKill = new Map<Flavour, unknown>();
    await sameOnBoth(clusters, async (side) => {
      const a = await side.connect(0, 'a');
      const b = await side.connect(1, 'b');
      const c = await side.connect(2, 'c');
      for (const client of [a, b, c])
        client.on('ask', (ack: (x: unknown) => void) => ack((client.auth as { name: string }).name));
      const cGone = waitFor(c, 'disconnect');
      await side.run(2, 'close');
      const [cReason] = await cGone;
      await side.exited(2);
      // The closing server said goodbye (ADAPTER_CLOSE) before it left: no heartbeat is missed first.
      const afterClose = {
        cReason,
        serverCounts: [
          await side.run(0, 'serverCount'),
          await side.run(1, 'serverCount'),
          await side.run(0, 'serverCount', { nsp: '/other' }),
        ],
        answers: await side.run(0, 'emitWithAck', { timeout: 2000, event: 'ask' }),
        fetched: await side.run(1, 'rooms'),
        question: await side.run(0, 'serverSideEmitWithAck', { event: 'question', args: [1] }),
      };
      const bGone = waitFor(b, 'disconnect');
      await side.kill(1);
      const [bReason] = await bGone;
      await side.exited(1);
      // Until its heartbeats are missed, the last worker still expects the killed one's answers.
      const [beforeMissed, untimed, fetchBeforeMissed] = await Promise.all([
        side.run(0, 'emitWithAck', { timeout: 300, event: 'ask' }),
        side.run(0, 'emitAck', { event: 'ask', bound: 8000 }),
        side.run(0, 'rooms', { timeout: 300 }).catch((error: Error) => error.message.split('\n')[0]),
      ]);
      untimedAfterKill.set(side.flavour, untimed);
      // Missed heartbeats (1.5 s with the fixture's settings) tell the last worker.
      await until(async () => (await side.run(0, 'serverCount')) === 1, WAIT_MS, 'one server');
      const afterKill = {
        bReason,
        beforeMissed,
        fetchBeforeMissed,
        answers: await side.run(0, 'emitWithAck', { timeout: 2000, event: 'ask' }),
        fetched: await side.run(0, 'rooms'),
        question: await within(
          side.run(0, 'serverSideEmitWithAck', { event: 'question', args: [1] }),
          WAIT_MS,
          'serverSideEmitWithAck alone',
        ),
      };
      return { afterClose, afterKill };
    });
    // Without timeout(), the broadcast times out at once on both (the killed worker's count is due).
    for (const flavour of ['socket.io', 'parley'] as const) {
      expect((untimedAfterKill.get(flavour) as { err: unknown }).err).toBe('operation has timed out');
    }
  });
});

describe('@socket.io/cluster-adapter with connectionStateRecovery and allowEIO3: socket.io and Parley observe the same', () => {
  // The cluster adapter keeps no session: what the clients see is its offsets ('' or none).
  const clusters = useClusters({ connectionStateRecovery: { maxDisconnectionDuration: 60_000 }, allowEIO3: true });

  it('broadcasts carry the same offsets; a dropped client comes back with a new session', async () => {
    await sameOnBoth(clusters, async (side) => {
      const a = await side.connect(0, 'a', { auth: { name: 'a', rooms: ['r'] } });
      const b = await side.connect(1, 'b', { auth: { name: 'b', rooms: ['r'] } });
      const logs = [a, b].map(record);
      a.on('ask', (ack: (x: unknown) => void) => ack('a'));
      b.on('ask', (ack: (x: unknown) => void) => ack('b'));
      await side.run(0, 'emit', { event: 'news', args: ['all from 0'] });
      await side.run(1, 'emit', { to: 'r', event: 'news', args: ['r from 1'], binary: true });
      await side.run(0, 'emit', { volatile: true, event: 'news', args: ['volatile from 0'] });
      await side.run(1, 'emit', { local: true, event: 'news', args: ['local on 1'] });
      await side.run(0, 'socketEmit', { name: 'a', broadcast: true, event: 'news', args: ['from a'] });
      const answers = await side.run(1, 'emitWithAck', { timeout: 2000, event: 'ask' });
      await settle(side, 0, [a, b]);
      const pid = Boolean((a as unknown as { _pid?: string })._pid);
      const id = a.id;
      const dropped = waitFor(a, 'disconnect');
      a.io.engine.close();
      const [reason] = await dropped;
      const serverSaw = await logOf(side, 0, 1);
      await side.run(1, 'emit', { event: 'news', args: ['while away'] });
      const back = waitFor(a, 'connect');
      a.connect();
      await back;
      await settle(side, 1, [a, b]);
      return {
        logs,
        answers,
        pid,
        reason,
        serverSaw,
        recovered: a.recovered,
        sameId: a.id === id,
        afterReturn: await side.run(1, 'rooms'),
        serverLog: await side.run(0, 'log'),
      };
    });
  });

  it('broadcasts, acknowledgements and remote sockets across workers, v2 and v4 clients mixed', async () => {
    await sameOnBoth(clusters, async (side) => {
      const a = await side.connectV2(0, 'websocket', { name: 'a', rooms: 'r' });
      const b = await side.connectV2(1, 'polling', { name: 'b', rooms: 'r' });
      const c = await side.connect(2, 'c');
      const v2Logs = [a, b].map((client) => {
        const log: string[] = [];
        for (const event of ['news', 'end'])
          client.on(event, (...args: never[]) => log.push(`${event}:${JSON.stringify(args)}`));
        client.on('ask', (n: number, ack: (x: unknown) => void) => ack({ n, bin: Buffer.from([n]) }));
        return log;
      });
      const cLog = record(c);
      c.on('ask', (n: number, ack: (x: unknown) => void) => ack({ n, bin: Buffer.from([n]) }));
      await side.run(2, 'emit', { to: 'r', event: 'news', args: ['to r'], binary: true });
      await side.run(0, 'emit', { event: 'news', args: ['all from 0', { deep: [1] }] });
      await side.run(1, 'emit', { except: 'r', event: 'news', args: ['except r'] });
      const acks = await side.run(2, 'emitWithAck', { timeout: 2000, event: 'ask', args: [7] });
      const fetched = await side.run(2, 'fetch');
      await side.run(2, 'remote', { name: 'a', method: 'emit', args: ['news', 'direct to a', { x: 1 }] });
      const remoteAck = await side.run(2, 'remoteAck', { name: 'b', timeout: 2000, event: 'ask', args: [8] });
      await settle(side, 1, [a, b, c]);
      const closed = [waitFor(a, 'disconnect'), waitFor(b, 'disconnect')];
      await side.run(2, 'disconnectSockets', { to: 'r', close: true });
      const reasons = (await Promise.all(closed)).map(([reason]) => reason);
      return {
        v2Logs,
        cLog,
        acks,
        fetched,
        remoteAck,
        reasons,
        serverLogs: [await logOf(side, 0, 1), await logOf(side, 1, 1)],
      };
    });
  });
});

describe('@socket.io/cluster-adapter with socket.io-msgpack-parser: socket.io and Parley observe the same', () => {
  // The adapter encodes broadcasts with the server's encoder (`nsp.server.encoder`).
  const clusters = useClusters({ parser: 'msgpack' });

  it('broadcasts, acknowledgements and remote sockets across workers', async () => {
    await sameOnBoth(clusters, async (side) => {
      const opts = (name: string, rooms: string[] = []) => ({ auth: { name, rooms }, parser: msgpackParser });
      const a = await side.connect(0, 'a', opts('a', ['r']));
      const b = await side.connect(1, 'b', opts('b', ['r']));
      const c = await side.connect(2, 'c', opts('c'));
      const clients = [a, b, c];
      const logs = clients.map(record);
      for (const client of clients)
        client.on('ask', (n: number, ack: (x: unknown) => void) =>
          ack({ from: client.auth, n, bin: Buffer.from([n]) }),
        );
      await side.run(0, 'emit', { to: 'r', event: 'news', args: ['to r', { deep: [1] }], binary: true });
      await side.run(1, 'emit', { except: 'r', event: 'news', args: ['except r'] });
      await side.run(2, 'shapes');
      const acks = await side.run(2, 'emitWithAck', { timeout: 2000, event: 'ask', args: [4] });
      await side.run(0, 'fetch', { to: 'r' });
      await side.run(0, 'remote', { name: 'b', method: 'emit', args: ['direct', 'to b'] });
      const remoteAck = await side.run(0, 'remoteAck', { name: 'b', timeout: 2000, event: 'ask', args: [5] });
      await settle(side, 1, clients);
      return { logs, acks, remoteAck };
    });
  });
});
