/**
 * Sessions of connected sockets kept in Redis (so a crashed node's clients still recover): what
 * is stored, and what it costs in Redis commands per connect, per room change and per broadcast.
 */

import { afterEach, expect, test } from 'vitest';
import { until, waitFor } from '../../server/test/support/wait.js';
import { decodeFrame } from '../src/index.js';
import {
  connect,
  deleteKeys,
  describeWithRedis,
  type Node,
  record,
  startCluster,
  TEST_ADAPTER_OPTIONS,
  uniqueKey,
} from './helpers.js';
import { onTeardown, teardown } from './teardown.js';

afterEach(teardown);

const SESSION_COMMANDS = new Set(['HSET', 'HDEL', 'PEXPIRE', 'ZADD', 'ZREMRANGEBYSCORE']);

/** Records the session-keeping commands a node sends (with the pipeline turn they went out in). */
function countCommands(node: Node): { commands: string[][]; turns: number } {
  const seen = { commands: [] as string[][], turns: 0 };
  const client = node.pub as unknown as { sendCommand: (args: unknown[], ...rest: unknown[]) => Promise<unknown> };
  const original = client.sendCommand.bind(client);
  let turnOpen = false;
  client.sendCommand = (args, ...rest) => {
    const name = String(args[0]).toUpperCase();
    if (SESSION_COMMANDS.has(name)) {
      seen.commands.push(args.map(String));
      if (!turnOpen) {
        turnOpen = true;
        seen.turns++;
        setImmediate(() => {
          turnOpen = false;
        });
      }
    }
    return original(args, ...rest);
  };
  return seen;
}

async function liveSessions(node: Node, key: string): Promise<Map<string, unknown>> {
  const hash = `${key}-live#{/}#${node.adapter().uid}`;
  const flat = (await node.pub.sendCommand(['HGETALL', hash], { typeMapping: { 36: Buffer } } as never)) as unknown;
  const entries = new Map<string, unknown>();
  const list = Array.isArray(flat) ? flat : Object.entries(flat as object).flat();
  for (let i = 0; i + 1 < list.length; i += 2) entries.set(String(list[i]), decodeFrame(Buffer.from(list[i + 1])));
  return entries;
}

describeWithRedis('live sessions (crashRecovery)', () => {
  test('one pipelined HSET + PEXPIRE per connect and per room change, an HDEL per disconnect, nothing per broadcast', async () => {
    const key = uniqueKey();
    onTeardown(() => deleteKeys(key));
    // A long heartbeat keeps the periodic refresh out of the counted window.
    const [node] = await startCluster(
      1,
      { key, crashRecovery: true, heartbeatInterval: 60_000, heartbeatTimeout: 120_000 },
      { connectionStateRecovery: { maxDisconnectionDuration: 10_000 } },
    );
    const client = await connect(node);
    const socket = node.io.of('/').sockets.get(client.id as string)!;
    await until(async () => (await liveSessions(node, key)).size === 1, 8000, 'session written on connect');
    const seen = countCommands(node);

    socket.join(['a', 'b']);
    socket.data = { name: 'alice' };
    socket.leave('a');
    await until(
      async () => {
        const [session] = (await liveSessions(node, key)).values() as Iterable<{ rooms: string[] }>;
        return session.rooms.includes('b') && !session.rooms.includes('a');
      },
      8000,
      'rooms written',
    );
    // Two room changes in one turn: one batch of two commands.
    expect(seen.commands.map((c) => c[0])).toEqual(['HSET', 'PEXPIRE']);
    expect(seen.turns).toBe(1);
    const [stored] = (await liveSessions(node, key)).values() as Iterable<{ sid: string; data: unknown }>;
    expect(stored).toMatchObject({ sid: socket.id, data: { name: 'alice' } });

    for (let i = 0; i < 20; i++) node.io.emit('n', i);
    await waitFor(client, 'n');
    expect(seen.commands.length).toBe(2);

    const gone = waitFor(socket, 'disconnect');
    client.disconnect();
    await gone;
    await until(async () => (await liveSessions(node, key)).size === 0, 8000, 'session removed on disconnect');
    expect(seen.commands.map((c) => c[0])).toEqual(['HSET', 'PEXPIRE', 'HDEL']);
  });

  test('the live sessions of a node expire maxDisconnectionDuration (plus a heartbeat) after its last refresh', async () => {
    const key = uniqueKey();
    onTeardown(() => deleteKeys(key));
    const [node] = await startCluster(
      1,
      { key, crashRecovery: true },
      { connectionStateRecovery: { maxDisconnectionDuration: 10_000 } },
    );
    await connect(node);
    const hash = `${key}-live#{/}#${node.adapter().uid}`;
    await until(async () => Number(await node.pub.sendCommand(['PTTL', hash])) > 0, 8000, 'TTL set');
    const ttl = Number(await node.pub.sendCommand(['PTTL', hash]));
    expect(ttl).toBeLessThanOrEqual(10_000 + TEST_ADAPTER_OPTIONS.heartbeatInterval!);
    expect(ttl).toBeGreaterThan(9_000);
    const nodes = (await node.pub.sendCommand(['ZRANGE', `${key}-live-nodes#{/}#`, '0', '-1'])) as string[];
    expect(nodes).toEqual([node.adapter().uid]);
  });

  test('off by default: connected sockets are not written to Redis', async () => {
    const key = uniqueKey();
    onTeardown(() => deleteKeys(key));
    const [node] = await startCluster(1, { key }, { connectionStateRecovery: { maxDisconnectionDuration: 10_000 } });
    const seen = countCommands(node);
    const client = await connect(node);
    node.io
      .of('/')
      .sockets.get(client.id as string)
      ?.join('room');
    // A broadcast after the join travels after anything the join would have sent.
    node.io.emit('n', 1);
    await waitFor(client, 'n');
    expect(seen.commands).toEqual([]);
    expect(await node.pub.sendCommand(['KEYS', `${key}-live*`])).toEqual([]);
  });

  test('a session taken while its node still runs the socket (a half-open connection) ends that socket', async () => {
    const key = uniqueKey();
    onTeardown(() => deleteKeys(key));
    const nodes = await startCluster(
      2,
      { key, crashRecovery: true },
      { connectionStateRecovery: { maxDisconnectionDuration: 10_000 } },
    );
    const first = await connect(nodes[0]);
    const stale = nodes[0].io.of('/').sockets.get(first.id as string)!;
    stale.join('room');
    const received = record(first, 'n');
    nodes[0].io.emit('n', 1);
    await until(() => received.length === 1, 8000, 'a logged broadcast');
    const offset = received[0][1] as string;
    const pid = (first as unknown as { _pid: string })._pid;
    await until(async () => (await liveSessions(nodes[0], key)).size === 1, 8000, 'session written');

    // The same client shows up on node 1 while node 0 still believes it connected.
    const gone = waitFor<[string]>(stale, 'disconnect');
    const second = await connect(nodes[1], '/', { auth: { pid, offset } });
    // (the client only reports `recovered` on its own reconnections; the server tells)
    expect(second.id).toBe(first.id);
    const restored = nodes[1].io.of('/').sockets.get(second.id as string)!;
    expect(restored.recovered).toBe(true);
    expect([...restored.rooms].sort()).toEqual([first.id, 'room'].sort());
    expect((await gone)[0]).toBe('server namespace disconnect');
  });
});
