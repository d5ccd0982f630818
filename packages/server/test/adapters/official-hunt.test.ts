/**
 * The official adapters, side by side: each scenario runs on two socket.io servers sharing the
 * adapter, then on two Parley servers sharing it, with official `socket.io-client`s, and what the
 * clients and the server API observe must be the same.
 */
import type { Socket as ClientSocket } from 'socket.io-client';
import { afterEach, expect, it } from 'vitest';
import { awkwardValues } from '../support/awkward-values.js';
import { describeWith } from '../support/needs.js';
import { until, WAIT_MS, waitFor } from '../support/wait.js';
import {
  type Flavour,
  postgresAdapterCluster,
  postgresNeed,
  redisAdapterCluster,
  redisNeed,
  streamsAdapterCluster,
} from './backends.js';
import { type Cluster, type ClusterNode, connect } from './contract.js';

type Build = (
  flavour: Flavour,
  opts: Record<string, unknown>,
  adapterOpts: Record<string, unknown>,
) => Promise<Cluster>;

const redis = await redisNeed();
const postgres = await postgresNeed();

const clusters: Cluster[] = [];
afterEach(async () => {
  await Promise.all(clusters.splice(0).map((cluster) => cluster.close().catch(() => {})));
});

// biome-ignore lint/suspicious/noExplicitAny: the scenarios drive socket.io and Parley sockets alike
type AnySocket = any;

/** Starts a two-node cluster whose sockets name themselves and join `auth.rooms`; waits until it formed. */
async function start(
  build: Build,
  flavour: Flavour,
  opts: Record<string, unknown> = {},
  adapterOpts: Record<string, unknown> = {},
): Promise<ClusterNode[]> {
  const cluster = await build(flavour, opts, adapterOpts);
  clusters.push(cluster);
  for (const { io } of cluster.nodes) {
    io.on('connection', (socket: AnySocket) => {
      const auth = socket.handshake.auth as { name?: string; rooms?: string[] };
      socket.data = { name: auth.name };
      if (auth.rooms) socket.join(auth.rooms);
    });
  }
  const [a, b] = cluster.nodes;
  for (const { io } of cluster.nodes)
    await until(async () => (await io.of('/').adapter.serverCount()) === 2, WAIT_MS, 'serverCount');
  // Both directions deliver (subscriptions and stream readers start asynchronously).
  for (const [from, to] of [
    [a, b],
    [b, a],
  ]) {
    const probe = await connect(to, 'probe');
    let seen = false;
    probe.on('probe', () => {
      seen = true;
    });
    await until(
      () => {
        if (!seen) from.io.emit('probe');
        return seen;
      },
      WAIT_MS,
      'the cluster to form',
    );
    probe.disconnect();
    await until(async () => (await from.io.fetchSockets()).length === 0, WAIT_MS, 'probe gone');
  }
  return cluster.nodes;
}

type Scenario = (
  nodes: (o?: Record<string, unknown>, a?: Record<string, unknown>) => Promise<ClusterNode[]>,
) => Promise<unknown>;

/** Runs `scenario` on a socket.io cluster, then on a Parley cluster, and expects the same observation. */
async function sameOnBoth(build: Build, scenario: Scenario): Promise<void> {
  const observed: unknown[] = [];
  for (const flavour of ['socket.io', 'parley'] as const) {
    observed.push(await scenario((opts, adapterOpts) => start(build, flavour, opts, adapterOpts)));
    await Promise.all(clusters.splice(0).map((cluster) => cluster.close()));
  }
  expect(observed[1]).toEqual(observed[0]);
}

function typesOf(object: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.keys(object)
      .sort()
      .map((key) => [key, object[key] === null ? 'null' : typeof object[key]]),
  );
}

function byName(a: AnySocket, b: AnySocket): number {
  return String(a.data?.name).localeCompare(String(b.data?.name));
}

const BACKENDS: [string, Build, { present: boolean; what: string; hint: string }][] = [
  ['@socket.io/redis-adapter', (f, o, a) => redisAdapterCluster([f, f], o, a), redis],
  ['@socket.io/redis-streams-adapter', (f, o, a) => streamsAdapterCluster(o, f, a), redis],
  ['@socket.io/postgres-adapter', (f, o, a) => postgresAdapterCluster(postgres.url as string, o, f, a), postgres],
];

for (const [name, build, need] of BACKENDS) {
  describeWith(need)(`${name}: socket.io and Parley clusters observe the same`, () => {
    const slowTimeouts = name !== '@socket.io/redis-adapter';
    it('fetchSockets: the fields of local and remote sockets', async () => {
      await sameOnBoth(build, async (nodes) => {
        const [n0, n1] = await nodes();
        await connect(n0, 'a', { auth: { name: 'a', rooms: ['r'] }, query: { q: '1' } });
        await connect(n1, 'b', { auth: { name: 'b', rooms: ['r', 's'] }, query: { q: '2' } });
        const all = (await n0.io.fetchSockets()).sort(byName);
        return all.map((s: AnySocket) => ({
          data: s.data,
          rooms: s.rooms instanceof Set ? s.rooms.size : 'not a set',
          handshake: typesOf(s.handshake),
          query: { ...s.handshake.query, t: undefined },
          auth: s.handshake.auth,
          headers: typeof s.handshake.headers,
          methods: ['emit', 'timeout', 'join', 'leave', 'disconnect'].map((m) => typeof s[m]),
        }));
      });
    });

    it('a remote socket joins, leaves, and is disconnected with its connection', async () => {
      await sameOnBoth(build, async (nodes) => {
        const [n0, n1] = await nodes();
        const b = await connect(n1, 'b');
        const [remote] = await n0.io.fetchSockets();
        const local = [...n1.io.of('/').sockets.values()][0];
        remote.join(['x', 'y']);
        await until(() => local.rooms.has('y'), WAIT_MS, 'joined');
        remote.leave('x');
        await until(() => !local.rooms.has('x'), WAIT_MS, 'left');
        const rooms = [...local.rooms].filter((r) => r !== local.id).sort();
        const reasons: unknown[] = [];
        local.on('disconnect', (r: unknown) => reasons.push(r));
        const closed = waitFor(b, 'disconnect');
        const engineClosed = waitFor(b.io.engine, 'close');
        remote.disconnect(true);
        const [clientReason] = await closed;
        await engineClosed;
        return { rooms, clientReason, reasons };
      });
    });

    it('a remote socket acknowledgement that times out, and one that arrives', async () => {
      await sameOnBoth(build, async (nodes) => {
        const [n0, n1] = await nodes();
        const b = await connect(n1, 'b');
        b.on('answer', (n: number, ack: (x: unknown, y: unknown) => void) => ack(n + 1, 'second'));
        b.on('silent', () => {});
        const [remote] = await n0.io.fetchSockets();
        const answered = await new Promise((resolve) =>
          remote.timeout(2000).emit('answer', 1, (err: Error | null, ...r: unknown[]) => resolve([err?.message, r])),
        );
        const silent = await new Promise((resolve) =>
          remote.timeout(200).emit('silent', (err: Error | null, ...r: unknown[]) => resolve([err?.message, r])),
        );
        const rejected = await remote
          .timeout(200)
          .emitWithAck('silent')
          .then(
            (r: unknown) => ['resolved', r],
            (e: Error & { responses?: unknown }) => [e.message, e.responses],
          );
        return { answered, silent, rejected };
      });
    });

    it('broadcast acknowledgements: partial answers on timeout, none to wait for, binary answers', async () => {
      await sameOnBoth(build, async (nodes) => {
        const [n0, n1] = await nodes();
        const a = await connect(n0, 'a', { auth: { name: 'a', rooms: ['r'] } });
        const b = await connect(n1, 'b', { auth: { name: 'b', rooms: ['r'] } });
        a.on('ask', (ack: (x: unknown) => void) => ack('from a'));
        b.on('ask', () => {});
        a.on('bin', (ack: (x: unknown) => void) => ack(Buffer.from([1])));
        b.on('bin', (ack: (x: unknown) => void) => ack({ b: Buffer.from([2]) }));
        const partial = await new Promise((resolve) =>
          n1.io.timeout(300).emit('ask', (err: Error | null, r: unknown[]) => resolve([err?.message, r])),
        );
        const nobody = await new Promise((resolve) =>
          n0.io
            .to('nobody')
            .timeout(300)
            .emit('ask', (err: Error | null, r: unknown[]) => resolve([err?.message, r])),
        );
        const binary = (await n0.io.timeout(2000).emitWithAck('bin')) as unknown[];
        const sorted = binary.map((x) => JSON.stringify(x)).sort();
        return { partial, nobody, sorted };
      });
    });

    it('serverSideEmit: arguments, several answers, no answer', async () => {
      await sameOnBoth(build, async (nodes) => {
        const [n0, n1] = await nodes(undefined, { requestsTimeout: 300 });
        const plain = waitFor(n1.io, 'plain');
        n0.io.serverSideEmit('plain', 'x', { n: 1 }, [2]);
        const got = await plain;
        n1.io.on('two', (ack: (x: unknown, y: unknown) => void) => ack('first', 'second'));
        const two = await n0.io.serverSideEmitWithAck('two');
        n1.io.on('mute', () => {});
        // The heartbeat adapters wait a fixed 5 s for a missing answer: only the Redis adapter's is set short.
        const mute = slowTimeouts
          ? 'not tried'
          : await n0.io.serverSideEmitWithAck('mute').then(
              (r: unknown) => ['resolved', r],
              (e: Error & { responses?: unknown }) => [e.message, e.responses],
            );
        const reserved = (() => {
          try {
            n0.io.serverSideEmit('connection');
            return 'no throw';
          } catch (e) {
            return (e as Error).message;
          }
        })();
        // A namespace's adapter subscribes asynchronously: repeat until the other node hears it.
        const heard: unknown[][] = [];
        n1.io.of('/other').on('hi', (...args: unknown[]) => heard.push(args));
        await until(
          () => {
            if (heard.length === 0) n0.io.of('/other').serverSideEmit('hi', 1);
            return heard.length > 0;
          },
          WAIT_MS,
          'serverSideEmit on /other',
        );
        return { got, two, mute, reserved, nsp: heard[0] };
      });
    });

    it('socketsJoin, socketsLeave and disconnectSockets with rooms, except and local', async () => {
      await sameOnBoth(build, async (nodes) => {
        const [n0, n1] = await nodes();
        const a = await connect(n0, 'a', { auth: { name: 'a', rooms: ['r'] } });
        const b = await connect(n1, 'b', { auth: { name: 'b', rooms: ['r', 'x'] } });
        const c = await connect(n1, 'c', { auth: { name: 'c' } });
        const roomsOf = async () =>
          (await n0.io.fetchSockets())
            .sort(byName)
            .map((s: AnySocket) => [s.data.name, [...s.rooms].filter((r: string) => r !== s.id).sort()]);
        n0.io.in('r').except('x').socketsJoin(['j', 'k']);
        n0.io.local.socketsJoin('l');
        n1.io.except('r').socketsJoin('j');
        await until(async () => JSON.stringify(await roomsOf()).split('"j"').length === 3, WAIT_MS, 'joins');
        const joined = await roomsOf();
        n1.io.in('j').socketsLeave('k');
        await until(async () => !JSON.stringify(await roomsOf()).includes('"k"'), WAIT_MS, 'leaves');
        const left = await roomsOf();
        const reasons: unknown[] = [];
        const closed = [a, b, c].map((client) =>
          waitFor(client, 'disconnect').then(([r]) =>
            reasons.push(`${client === a ? 'a' : client === b ? 'b' : 'c'} ${r}`),
          ),
        );
        const engines = [a, b, c].map((client) => client.io.engine.readyState);
        n0.io.in('j').except('l').disconnectSockets(true);
        await Promise.all([closed[2]]);
        n1.io.local.disconnectSockets();
        await closed[1];
        n1.io.disconnectSockets();
        await closed[0];
        return { joined, left, reasons: reasons.sort(), engines };
      });
    });

    it('argument shapes carried across nodes (Date, undefined, toJSON, typed arrays, Map)', async () => {
      await sameOnBoth(build, async (nodes) => {
        const [n0, n1] = await nodes();
        const a = await connect(n0, 'a');
        const b = await connect(n1, 'b');
        const logs = [a, b].map((client) => {
          const log: string[] = [];
          client.onAny((event: string, ...args: unknown[]) => log.push(`${event}:${JSON.stringify(args)}`));
          return log;
        });
        const args = awkwardValues();
        // One event per shape: a payload the adapter cannot carry would lose the others with it.
        for (const [i, arg] of args.entries()) n0.io.emit('shape', i, arg);
        n1.io.to(a.id as string).emit('shape', 'to a', Buffer.from([7]));
        await until(() => logs[0].length > args.length && logs[1].length === args.length, WAIT_MS, 'shapes');
        // The PostgreSQL adapter sends binary packets through a table: their order may change.
        return logs.map((log) => [...log].sort());
      });
    });

    it('broadcasts and acknowledgements from a socket, across nodes', async () => {
      await sameOnBoth(build, async (nodes) => {
        const [n0, n1] = await nodes();
        const a = await connect(n0, 'a', { auth: { name: 'a', rooms: ['r'] } });
        const b = await connect(n1, 'b', { auth: { name: 'b', rooms: ['r'] } });
        const c = await connect(n1, 'c');
        for (const client of [a, b, c])
          client.on('ask', (ack: (x: unknown) => void) => ack((client.auth as { name: string }).name));
        const sender = [...n0.io.of('/').sockets.values()][0] as AnySocket;
        const toRoom = ((await sender.to('r').timeout(2000).emitWithAck('ask')) as string[]).sort();
        const all = ((await sender.broadcast.timeout(2000).emitWithAck('ask')) as string[]).sort();
        const senderB = [...n1.io.of('/').sockets.values()].find((s: AnySocket) => s.data.name === 'b') as AnySocket;
        const exceptRoom = ((await senderB.except('r').timeout(2000).emitWithAck('ask')) as string[]).sort();
        const ids = [...(await n0.io.allSockets())].length;
        const inR = [...(await n0.io.in('r').allSockets())].length;
        return { toRoom, all, exceptRoom, ids, inR };
      });
    });

    it('a parent namespace across nodes', async () => {
      await sameOnBoth(build, async (nodes) => {
        const [n0, n1] = await nodes();
        const parents = [n0, n1].map(({ io }) => io.of(/^\/dyn-\d+$/));
        const a = await connect({ ...n0, url: `${n0.url}/dyn-1` }, 'a');
        const b = await connect({ ...n1, url: `${n1.url}/dyn-1` }, 'b');
        const c = await connect({ ...n1, url: `${n1.url}/dyn-2` }, 'c');
        const logs = [a, b, c].map((client) => {
          const log: string[] = [];
          client.onAny((event: string, ...args: unknown[]) => log.push(`${event}:${JSON.stringify(args)}`));
          return log;
        });
        // Child adapters subscribe asynchronously: wait until a broadcast of each child crosses.
        await until(
          () => {
            if (!logs[1].length) n0.io.of('/dyn-1').emit('warm');
            if (!logs[2].length) n0.io.of('/dyn-2').emit('warm');
            return logs[1].length > 0 && logs[2].length > 0;
          },
          WAIT_MS,
          'child adapters ready',
        );
        for (const log of logs) log.length = 0;
        parents[0].emit('from parent', 0);
        n0.io.of('/dyn-1').emit('from child', 1);
        n0.io.of('/dyn-2').emit('from child', 2);
        const count = (log: string[]) => log.filter((entry) => entry.startsWith('from')).length;
        await until(() => count(logs[0]) >= 2 && count(logs[1]) >= 2 && count(logs[2]) >= 1, WAIT_MS, 'deliveries');
        // Published after those arrived, the end markers prove nothing else is coming.
        const ended = [a, b, c].map((client) => waitFor(client, 'end'));
        for (const nsp of ['/dyn-1', '/dyn-2']) n0.io.of(nsp).emit('end');
        await Promise.all(ended);
        // A cluster adapter delivers locally once its publish completes, and the PostgreSQL
        // adapter's pool completes them in any order: the deliveries are compared, not their order.
        return logs.map((log) => log.filter((entry) => !entry.startsWith('warm')).sort());
      });
    });

    it('outgoing listeners see broadcasts that come from the other node', async () => {
      await sameOnBoth(build, async (nodes) => {
        const [n0, n1] = await nodes();
        const b = await connect(n1, 'b', { auth: { name: 'b', rooms: ['r'] } });
        b.on('ask', (_n: number, ack: (x: unknown) => void) => ack('ok'));
        const socket = [...n1.io.of('/').sockets.values()][0] as AnySocket;
        const outgoing: string[] = [];
        socket.onAnyOutgoing((event: string, ...args: unknown[]) =>
          outgoing.push(`${event}:${JSON.stringify(args.map((x) => (typeof x === 'function' ? 'fn' : x)))}`),
        );
        const got = waitFor(b, 'news');
        n0.io.to('r').emit('news', 1, Buffer.from([2]));
        await got;
        const answers = await n0.io.timeout(2000).emitWithAck('ask', 3);
        const ended = waitFor(b, 'end');
        n0.io.emit('end');
        await ended;
        return { outgoing, answers };
      });
    });

    it('a node that leaves: the other counts, broadcasts and fetches without it', async () => {
      await sameOnBoth(build, async (nodes) => {
        const [n0, n1] = await nodes(undefined, { requestsTimeout: 500 });
        const a = await connect(n0, 'a');
        const b = await connect(n1, 'b');
        a.on('ask', (ack: (x: unknown) => void) => ack('a'));
        b.on('ask', (ack: (x: unknown) => void) => ack('b'));
        const bGone = waitFor(b, 'disconnect');
        await n1.io.close();
        const [bReason] = await bGone;
        await until(async () => (await n0.io.of('/').adapter.serverCount()) === 1, WAIT_MS, 'one server');
        const answers = await n0.io.timeout(2000).emitWithAck('ask');
        const fetched = (await n0.io.fetchSockets()).map((s: AnySocket) => s.data.name);
        const sse = await n0.io.serverSideEmitWithAck('anyone').then(
          (r: unknown) => ['resolved', r],
          (e: Error) => [e.message],
        );
        return { bReason, answers, fetched, sse };
      });
    });
  });
}

describeWith(redis)('@socket.io/redis-streams-adapter: recovery on the other node', () => {
  it("recovers a client's session and the packets it missed on the other node", async () => {
    const build: Build = (f, o, a) => streamsAdapterCluster(o, f, a);
    await sameOnBoth(build, async (nodes) => {
      const [n0, n1] = await nodes({ connectionStateRecovery: { maxDisconnectionDuration: 60_000 } });
      const client: ClientSocket = await connect(n0, 'a', { auth: { name: 'a', rooms: ['r'] } });
      // Sees every broadcast once it is in the stream, so the test knows when they all are.
      const witness = await connect(n1, 'w', { auth: { name: 'w', rooms: ['r'] } });
      client.on('news', () => {});
      const got = waitFor(client, 'news');
      n1.io.emit('news', 0);
      await got;
      const id = client.id;
      const events: string[] = [];
      client.onAny((event: string, ...args: unknown[]) => events.push(`${event}:${JSON.stringify(args.slice(0, -1))}`));
      const [serverSocket] = [...n0.io.of('/').sockets.values()] as AnySocket[];
      const dropped = waitFor(serverSocket, 'disconnect');
      const clientDropped = waitFor(client, 'disconnect');
      client.io.engine.close();
      await dropped;
      await clientDropped;
      const seen: string[] = [];
      witness.onAny((event: string, n: unknown) => seen.push(`${event} ${n}`));
      n0.io.to('r').emit('news', 1);
      n1.io.emit('news', 2, Buffer.from([3]));
      n0.io.to('elsewhere').emit('news', 3);
      n0.io.volatile.emit('news', 4);
      n0.io.emit('sync');
      await until(
        () => seen.includes('news 2') && seen.some((e) => e.startsWith('sync')),
        WAIT_MS,
        'the stream to hold them',
      );
      // The client comes back through the other node, with its session id and offset.
      const back = waitFor(n1.io.of('/'), 'connection');
      (client.io as unknown as { uri: string }).uri = n1.url;
      client.connect();
      const [socket] = (await back) as [AnySocket];
      const ended = waitFor(client, 'end');
      n0.io.emit('end');
      await ended;
      return {
        recovered: [client.recovered, socket.recovered, client.id === id],
        data: socket.data,
        rooms: [...socket.rooms].filter((r) => r !== id),
        // Two nodes append to the stream concurrently: the order of the missed packets may vary.
        missed: events.slice(0, -1).sort(),
        last: events.at(-1),
      };
    });
  });
});
