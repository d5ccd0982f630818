/** Connection state recovery across nodes: sessions and missed broadcasts kept in Redis. */
import { afterEach, expect, test } from 'vitest';
import { until, waitFor } from '../../server/test/support/wait.js';
import { connect, deleteKeys, describeWithRedis, type Node, record, startCluster, uniqueKey } from './helpers.js';
import { onTeardown, teardown } from './teardown.js';

afterEach(teardown);

const OFFSET = /^\d+-\d+$/;

async function startRecoveringCluster(key: string): Promise<Node[]> {
  onTeardown(() => deleteKeys(key));
  const nodes = await startCluster(
    3,
    { key, streamMaxLength: 1000 },
    { connectionStateRecovery: { maxDisconnectionDuration: 10_000 } },
  );
  for (const node of nodes) {
    node.io.on('connection', (socket) => {
      if (socket.recovered) return;
      socket.join('room1');
      socket.data = { name: 'alice', avatar: Buffer.from([1, 2]) };
    });
  }
  return nodes;
}

async function count(node: Node, command: string[]): Promise<number> {
  return Number(await node.pub.sendCommand(command));
}

async function keys(node: Node, pattern: string): Promise<string[]> {
  return (await node.pub.sendCommand(['KEYS', pattern])) as string[];
}

describeWithRedis('connection state recovery across nodes', () => {
  test('a client that drops from one node recovers on another, with the broadcasts it missed', async () => {
    const key = uniqueKey();
    const nodes = await startRecoveringCluster(key);
    const stream = `${key}-stream#{/}#`;
    const client = await connect(nodes[0]);
    const received = record(client, 'news');
    const id = client.id;

    nodes[1].io.emit('news', 'first');
    await until(() => received.length === 1, 8000, 'first broadcast');
    expect(received[0][0]).toBe('first');
    expect(received[0][1]).toMatch(OFFSET); // the offset clients keep for recovery

    // The connection drops (not a deliberate disconnect): node 0 stores the session in Redis.
    const serverSocket = nodes[0].io.of('/').sockets.get(id!)!;
    const gone = waitFor(serverSocket, 'disconnect');
    client.io.engine.close();
    await gone;
    await until(async () => (await keys(nodes[0], `${key}-session#*`)).length === 1, 8000, 'session stored');

    nodes[1].io.to('room1').emit('news', 'missed, to room1');
    nodes[2].io.emit('news', 'missed, to all', Buffer.from([7]));
    nodes[0].io.to('elsewhere').emit('news', 'not for this client');
    nodes[1].io.except('room1').emit('news', 'not for this client either');
    nodes[2].io.volatile.emit('news', 'volatile: never kept');
    await until(async () => (await count(nodes[0], ['XLEN', stream])) === 5, 8000, 'broadcasts logged');

    // The client comes back through another node.
    (client.io as unknown as { uri: string }).uri = `http://127.0.0.1:${nodes[2].port}`;
    client.connect();
    await waitFor(client, 'connect');
    expect(client.recovered).toBe(true);
    expect(client.id).toBe(id);
    await until(() => received.length === 3, 8000, 'missed broadcasts');
    const missed = received.slice(1);
    expect(missed.map((args) => args[0]).sort()).toEqual(['missed, to all', 'missed, to room1']);
    const withBytes = missed.find((args) => args[0] === 'missed, to all')!;
    expect([...new Uint8Array(withBytes[1] as ArrayBuffer)]).toEqual([7]);
    expect(missed.every((args) => OFFSET.test(String(args[args.length - 1])))).toBe(true);

    // Rooms and data came back with it, and the session was consumed.
    const [restored] = await nodes[2].io.local.in('room1').fetchSockets();
    expect(restored.id).toBe(id);
    expect(restored.data.name).toBe('alice');
    expect([...restored.data.avatar]).toEqual([1, 2]);
    expect(await keys(nodes[0], `${key}-session#*`)).toEqual([]);

    // Later broadcasts carry on, in the same stream.
    nodes[0].io.to('room1').emit('news', 'after');
    await until(() => received.length === 4, 8000, 'later broadcast');
    expect(received[3][0]).toBe('after');
  });

  test('emits keep their order while offsets come back from Redis', async () => {
    const key = uniqueKey();
    const nodes = await startRecoveringCluster(key);
    const clients = [await connect(nodes[0]), await connect(nodes[1])];
    const received = clients.map((client) => record(client, 'n'));
    const socket = nodes[0].io.of('/').sockets.get(clients[0].id!)!;
    for (let i = 0; i < 30; i++) {
      if (i % 3 === 0) nodes[0].io.volatile.emit('n', i);
      else if (i % 3 === 1) nodes[0].io.emit('n', i);
      else socket.emit('n', i);
    }
    // Volatile emits may be dropped while a write is in flight (as in socket.io); every other
    // emit arrives, and all arrive in order.
    const logged = (args: unknown[]) => args.length === 2;
    await until(
      () => received[0].filter(logged).length === 20 && received[1].filter(logged).length === 10,
      8000,
      'every logged emit',
    );
    nodes[0].io.emit('n', 'end');
    await until(() => received.every((list) => list.at(-1)?.[0] === 'end'), 8000, 'the end marker');
    const numbers = received.map((list) => list.slice(0, -1).map((args) => args[0] as number));
    for (const list of numbers) expect(list).toEqual([...list].sort((x, y) => x - y));
    expect(numbers[1].every((i) => i % 3 !== 2)).toBe(true);
    // logged emits carry an offset, volatile ones do not
    expect(received[0].filter(logged).map((args) => args[0])).toEqual(
      [...Array(30).keys()].filter((i) => i % 3 !== 0).concat(['end' as never]),
    );
    expect(received[0].filter((args) => !logged(args)).every((args) => (args[0] as number) % 3 === 0)).toBe(true);
  });

  test('an unknown session or an offset no longer in the stream means a fresh connection', async () => {
    const key = uniqueKey();
    const nodes = await startRecoveringCluster(key);
    const adapter = nodes[1].adapter();
    expect(await adapter.restoreSession('unknown-pid', '1-0')).toBeNull();
    await adapter.persistSession({ sid: 'sid', pid: 'pid1', rooms: ['sid'], data: {} });
    expect(await adapter.restoreSession('pid1', 'not an offset')).toBeNull();
    await adapter.persistSession({ sid: 'sid', pid: 'pid2', rooms: ['sid'], data: {} });
    expect(await adapter.restoreSession('pid2', '1-0')).toBeNull();

    nodes[0].io.emit('news', 'logged');
    await until(async () => (await count(nodes[0], ['XLEN', `${key}-stream#{/}#`])) === 1, 8000, 'logged');
    const [[offset]] = (await nodes[0].pub.sendCommand(['XRANGE', `${key}-stream#{/}#`, '-', '+'])) as [
      [string, string[]],
    ];
    await adapter.persistSession({ sid: 'sid', pid: 'pid3', rooms: ['sid'], data: { x: 1 } });
    expect(await nodes[2].adapter().restoreSession('pid3', offset)).toEqual({
      sid: 'sid',
      pid: 'pid3',
      rooms: ['sid'],
      data: { x: 1 },
      missedPackets: [],
    });
    // a session is restored once
    expect(await nodes[2].adapter().restoreSession('pid3', offset)).toBeNull();
    // and kept no longer than maxDisconnectionDuration
    await adapter.persistSession({ sid: 'sid', pid: 'pid4', rooms: ['sid'], data: {} });
    const ttl = await count(nodes[0], ['PTTL', `${key}-session#{/}#pid4`]);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(10_000);
  });

  test('the stream of broadcasts stays bounded', async () => {
    const key = uniqueKey();
    onTeardown(() => deleteKeys(key));
    const [node] = await startCluster(
      1,
      { key, streamMaxLength: 10 },
      { connectionStateRecovery: { maxDisconnectionDuration: 10_000 } },
    );
    const client = await connect(node);
    const received = record(client, 'n');
    for (let i = 0; i < 500; i++) node.io.emit('n', i);
    await until(() => received.length === 500, 8000, 'every broadcast');
    // MAXLEN ~ trims whole stream nodes (100 entries each by default), so "about" 10
    const length = await count(node, ['XLEN', `${key}-stream#{/}#`]);
    expect(length).toBeGreaterThanOrEqual(10);
    expect(length).toBeLessThanOrEqual(200);
  });
});
