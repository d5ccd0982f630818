/** Cluster-wide requests: fetchSockets, socketsJoin/Leave, disconnectSockets, serverSideEmit, acks. */
import type { Socket as ClientSocket } from 'socket.io-client';
import { afterEach, expect, test } from 'vitest';
import { until, waitFor } from '../../server/test/support/wait.js';
import { type BadMessageError, encodeFrame, RequestTimeoutError } from '../src/index.js';
import { MessageType } from '../src/messages.js';
import {
  connect,
  describeWithRedis,
  flush,
  killNode,
  type Node,
  record,
  startCluster,
  uniqueKey,
  waitForClusterSize,
} from './helpers.js';
import { teardown } from './teardown.js';

afterEach(teardown);

interface Cluster {
  nodes: Node[];
  clients: ClientSocket[];
}

/** Three nodes, one client each; client i has `socket.data.name = 'client<i>'` and joins room `r<i>`. */
async function startThreeNodes(): Promise<Cluster> {
  const nodes = await startCluster(3, { key: uniqueKey() });
  const clients: ClientSocket[] = [];
  for (const [i, node] of nodes.entries()) {
    node.io.on('connection', (socket) => {
      socket.data = { name: `client${i}` };
      socket.join([`r${i}`, 'all']);
    });
    clients.push(await connect(node));
  }
  return { nodes, clients };
}

describeWithRedis('cluster requests', () => {
  test('fetchSockets sees every node’s sockets, with their rooms and data', async () => {
    const { nodes, clients } = await startThreeNodes();
    const sockets = await nodes[0].io.fetchSockets();
    expect(sockets.map((s) => s.id).sort()).toEqual(clients.map((c) => c.id).sort());
    const remote = sockets.find((s) => s.id === clients[2].id)!;
    expect(remote.data).toEqual({ name: 'client2' });
    expect([...remote.rooms].sort()).toEqual([clients[2].id, 'all', 'r2'].sort());
    expect(remote.handshake.query.EIO).toBe('4');
    // filtered by room, on another node
    const inR1 = await nodes[2].io.in('r1').fetchSockets();
    expect(inR1.map((s) => s.id)).toEqual([clients[1].id]);
    // local only
    const local = await nodes[1].io.local.fetchSockets();
    expect(local.map((s) => s.id)).toEqual([clients[1].id]);
    // allSockets() and serverCount() are cluster-wide too
    expect([...(await nodes[1].io.allSockets())].sort()).toEqual(clients.map((c) => c.id).sort());
    expect(await nodes[1].adapter().serverCount()).toBe(3);
  });

  test('a RemoteSocket can be emitted to, moved between rooms and disconnected', async () => {
    const { nodes, clients } = await startThreeNodes();
    const [remote] = await nodes[0].io.in('r2').fetchSockets();
    const got = waitFor(clients[2], 'direct');
    remote.emit('direct', 'hi', Buffer.from([5]));
    const [text, bytes] = await got;
    expect(text).toBe('hi');
    expect([...new Uint8Array(bytes as ArrayBuffer)]).toEqual([5]);

    clients[2].on('ask', (ack: (answer: unknown) => void) => ack('answer from client2'));
    expect(await remote.timeout(5000).emitWithAck('ask')).toBe('answer from client2');

    remote.join('vip');
    await until(() => nodes[2].io.of('/').adapter.rooms.get('vip')?.has(clients[2].id!) === true);
    remote.leave('vip');
    await until(() => !nodes[2].io.of('/').adapter.rooms.has('vip'));

    const gone = waitFor(clients[2], 'disconnect');
    remote.disconnect();
    expect((await gone)[0]).toBe('io server disconnect');
  });

  test('socketsJoin and socketsLeave apply on every node', async () => {
    const { nodes, clients } = await startThreeNodes();
    nodes[0].io.in(['r1', 'r2']).socketsJoin('joined');
    await until(async () => (await nodes[0].io.in('joined').fetchSockets()).length === 2, 8000, 'joined');
    expect((await nodes[0].io.in('joined').fetchSockets()).map((s) => s.id).sort()).toEqual(
      [clients[1].id, clients[2].id].sort(),
    );
    const received = clients.map((c) => record(c, 'news'));
    nodes[1].io.to('joined').emit('news', 'joined');
    await flush(nodes[1], clients);
    expect(received.map((r) => r.length)).toEqual([0, 1, 1]);

    nodes[2].io.socketsLeave('joined');
    await until(async () => (await nodes[0].io.in('joined').fetchSockets()).length === 0, 8000, 'left');
  });

  test('disconnectSockets disconnects the matching sockets on every node', async () => {
    const { nodes, clients } = await startThreeNodes();
    const disconnected = [waitFor(clients[0], 'disconnect'), waitFor(clients[2], 'disconnect')];
    nodes[1].io.except('r1').disconnectSockets();
    const reasons = await Promise.all(disconnected);
    expect(reasons.map(([reason]) => reason)).toEqual(['io server disconnect', 'io server disconnect']);
    expect(clients[1].connected).toBe(true);
    const left = await nodes[0].io.fetchSockets();
    expect(left.map((s) => s.id)).toEqual([clients[1].id]);
  });

  test('serverSideEmit reaches the other nodes; with an ack, one answer per node', async () => {
    const { nodes } = await startThreeNodes();
    const heard: string[] = [];
    for (const [i, node] of nodes.entries()) {
      node.io.on('ping-cluster', (payload: Buffer, reply?: (answer: unknown) => void) => {
        heard.push(`node${i}:${Buffer.from(payload).toString()}`);
        reply?.({ node: i });
      });
    }
    nodes[0].io.serverSideEmit('ping-cluster', Buffer.from('no ack'));
    await until(() => heard.length === 2, 8000, 'serverSideEmit');
    expect(heard.sort()).toEqual(['node1:no ack', 'node2:no ack']);

    const answers = await nodes[1].io.serverSideEmitWithAck('ping-cluster', Buffer.from('ack'));
    expect((answers as Array<{ node: number }>).map((a) => a.node).sort()).toEqual([0, 2]);
  });

  test('a broadcast with acks gathers every client’s answer across nodes', async () => {
    const { nodes, clients } = await startThreeNodes();
    clients.forEach((client, i) => {
      client.on('question', (n: number, ack: (answer: unknown) => void) => ack({ client: i, doubled: n * 2 }));
    });
    const responses = await nodes[1].io.timeout(5000).emitWithAck('question', 21);
    expect((responses as Array<{ client: number; doubled: number }>).sort((a, b) => a.client - b.client)).toEqual([
      { client: 0, doubled: 42 },
      { client: 1, doubled: 42 },
      { client: 2, doubled: 42 },
    ]);
    // with a callback, and only some rooms
    const answer = await new Promise<[Error | null, unknown[]]>((resolve) =>
      nodes[0].io
        .to(['r0', 'r2'])
        .timeout(5000)
        .emit('question', 1, (err: Error | null, res: unknown[]) => resolve([err, res])),
    );
    expect(answer[0]).toBeNull();
    expect((answer[1] as Array<{ client: number }>).map((r) => r.client).sort()).toEqual([0, 2]);
    // local: only this node's clients, and no wait for the others
    const local = await nodes[2].io.local.timeout(5000).emitWithAck('question', 2);
    expect(local).toEqual([{ client: 2, doubled: 4 }]);
  });
});

describeWithRedis('bad input from Redis', () => {
  test('garbage on the adapter’s channels is reported as cluster-error and changes nothing', async () => {
    const key = uniqueKey();
    const nodes = await startCluster(2, { key });
    const clients = [await connect(nodes[0]), await connect(nodes[1])];
    const errors: unknown[] = [];
    nodes[1].adapter().on('cluster-error', (error) => errors.push(error));
    const frames = [
      Buffer.from('not a frame'),
      Buffer.from([1, 0, 0, 0, 2, 0x7b, 0x7d, 0, 0, 0, 0]), // a valid frame holding {} (no type)
      encodeFrame({ t: MessageType.BROADCAST, n: 'intruder', data: [], opts: { rooms: [], except: [] } }),
      encodeFrame({ t: MessageType.FETCH_SOCKETS_RESPONSE, n: 'intruder', r: 'x', sockets: 'many' }),
    ];
    for (const frame of frames) {
      await nodes[0].pub.publish(`${key}-request#/#`, frame);
      await nodes[0].pub.publish(`${key}#/#`, frame);
    }
    await until(() => errors.length === frames.length * 2, 8000, 'every bad frame reported');
    expect(errors.every((error) => (error as BadMessageError).code === 'BAD_MESSAGE')).toBe(true);
    const received = clients.map((client) => record(client, 'news'));
    nodes[0].io.emit('news', 'still fine');
    await flush(nodes[0], clients);
    expect(received).toEqual([[['still fine']], [['still fine']]]);
    expect(await nodes[1].adapter().serverCount()).toBe(2);
  });
});

describeWithRedis('a killed node', () => {
  async function killedNodeCluster(heartbeatTimeout: number) {
    const key = uniqueKey();
    const opts = { key, heartbeatInterval: 200, heartbeatTimeout, requestsTimeout: 1500 };
    const nodes = await startCluster(3, opts);
    const clients: ClientSocket[] = [];
    for (const [i, node] of nodes.entries()) {
      node.io.on('who', (reply: (answer: unknown) => void) => reply(i));
      const client = await connect(node);
      client.on('question', (ack: (answer: unknown) => void) => ack(i));
      clients.push(client);
    }
    await killNode(nodes[2]);
    return { nodes, clients };
  }

  test('while it still looks alive, requests resolve after requestsTimeout with the live nodes’ answers', async () => {
    // heartbeatTimeout far above requestsTimeout: the dead node stays "alive" for the whole test
    const { nodes, clients } = await killedNodeCluster(60_000);
    const started = Date.now();
    const [sockets, [err, answers], acks] = await Promise.all([
      nodes[0].io.fetchSockets(),
      new Promise<[Error | null, unknown[]]>((resolve) =>
        nodes[0].io.serverSideEmit('who', (e: Error | null, r: unknown[]) => resolve([e, r])),
      ),
      new Promise<[Error | null, unknown[]]>((resolve) =>
        nodes[1].io.timeout(1000).emit('question', (e: Error | null, r: unknown[]) => resolve([e, r])),
      ),
    ]);
    expect(Date.now() - started).toBeLessThan(1500 + 3000);
    expect(sockets.map((s) => s.id).sort()).toEqual([clients[0].id, clients[1].id].sort());
    expect(err).toBeInstanceOf(RequestTimeoutError);
    expect(answers).toEqual([1]);
    expect((acks[1] as number[]).sort()).toEqual([0, 1]);
    expect(await nodes[0].adapter().serverCount()).toBe(3);
  });

  test('once its heartbeats are missed it is dropped, and requests no longer wait for it', async () => {
    const { nodes, clients } = await killedNodeCluster(1000);
    await waitForClusterSize(nodes.slice(0, 2), 2);
    const [sockets, answers, acks] = await Promise.all([
      nodes[1].io.fetchSockets(),
      nodes[1].io.serverSideEmitWithAck('who'),
      nodes[0].io.timeout(5000).emitWithAck('question'),
    ]);
    expect(sockets.map((s) => s.id).sort()).toEqual([clients[0].id, clients[1].id].sort());
    expect(answers).toEqual([0]);
    expect((acks as number[]).sort()).toEqual([0, 1]);
  });

  test('a node that closes cleanly says goodbye and is forgotten at once', async () => {
    const { nodes } = await startThreeNodes();
    const down = waitFor(nodes[0].adapter(), 'node-down');
    await nodes[2].io.close();
    await down;
    expect(await nodes[0].adapter().serverCount()).toBe(2);
  });
});
