/**
 * Read markers, mutes, mentions and away across two chat nodes (Redis adapter, shared PostgreSQL),
 * with an account's sockets on different nodes. Without Redis or PostgreSQL the suite skips
 * locally (saying how to start them) and fails in CI.
 */
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { type ChatNode, describeCluster } from './cluster-harness.js';
import { collect, once, request, uniqueAddress } from './helpers.js';

describeCluster('read state across nodes', { bundle: 'read-state-node', nodes: 2 }, ({ nodes, harness }) => {
  const connect = (node: ChatNode, name: string) =>
    harness.connected(node.url, name, { headers: { 'X-Forwarded-For': uniqueAddress() } });

  /**
   * Alice with a socket on each node, and Bob on node 2 in a new room he created and joined
   * (Alice has not joined it yet).
   */
  async function aliceOnBothNodes() {
    const [n1, n2] = nodes;
    const suffix = randomBytes(3).toString('hex');
    const [alice, bob] = [`alice-${suffix}`, `bob-${suffix}`];
    const onN1 = await connect(n1, alice);
    const onN2 = await connect(n2, alice);
    const bobOnN2 = await connect(n2, bob);
    const room = `r-${suffix}`;
    await request(bobOnN2, 'room:create', { room });
    await request(bobOnN2, 'room:join', { room });
    return { alice, onN1, onN2, bobOnN2, room };
  }

  it('tells every socket of an account, on every node, of its markers, mutes and mentions', async () => {
    const { alice, onN1, onN2, bobOnN2, room } = await aliceOnBothNodes();
    await request(onN1, 'room:join', { room });

    // Alice's socket on node 2 never joined the room: the mention reaches it through her account.
    const mention = once<{ reason: string; message: { id: number; text: string } }>(onN2, 'notify');
    const sent = await request<{ message: { id: number } }>(bobOnN2, 'message:send', {
      room,
      text: `hello @${alice}`,
      clientId: 'm1',
    });
    expect(await mention).toMatchObject({ reason: 'mention', message: { id: sent.message.id } });
    expect(
      (await request<{ rooms: { room: string; mentions: number }[] }>(onN2, 'unread:list')).rooms.find(
        (r) => r.room === room,
      ),
    ).toMatchObject({ mentions: 1 });

    const read = once(onN2, 'room:read');
    await request(onN1, 'room:read', { room, lastRead: sent.message.id });
    expect(await read).toEqual({ room, lastRead: sent.message.id });
    const muted = once(onN2, 'room:muted');
    await request(onN1, 'room:mute', { room, muted: true });
    expect(await muted).toEqual({ room, muted: true });
  });

  it('lists a person as away only when their sockets on every node are', async () => {
    const { alice, onN1, onN2, bobOnN2, room } = await aliceOnBothNodes();
    for (const socket of [onN1, onN2]) await request(socket, 'room:join', { room });
    const presence = collect<{ room: string; away: string[] }>(bobOnN2, 'presence');

    await request(onN1, 'presence:away', { away: true });
    expect(await request(bobOnN2, 'room:join', { room })).toMatchObject({ away: [] });
    await request(onN2, 'presence:away', { away: true });
    await presence.until(
      (events) =>
        events
          .filter((e) => e.room === room)
          .at(-1)
          ?.away.join() === alice,
    );
    await request(onN1, 'presence:away', { away: false });
    await presence.until((events) => events.filter((e) => e.room === room).at(-1)?.away.length === 0);
  });

  it("gives a DM the other person's presence from every node, whether they opened the DM or not", async () => {
    const [n1, n2] = nodes;
    const suffix = randomBytes(3).toString('hex');
    const [alice, bob] = [`alice-${suffix}`, `bob-${suffix}`];
    const aliceOnN1 = await connect(n1, alice);
    const bobOnN2 = await connect(n2, bob);
    const { room } = await request<{ room: { name: string } }>(bobOnN2, 'dm:open', { username: alice });
    const dm = room.name;
    const presence = collect<{ room: string; users: string[]; away: string[] }>(bobOnN2, 'presence');
    const latest = (events: { room: string; users: string[]; away: string[] }[]) =>
      events.filter((e) => e.room === dm).at(-1);

    // Alice is on node 1 and never joined the DM: she is still listed, online.
    expect(await request(bobOnN2, 'room:join', { room: dm })).toMatchObject({ users: [alice, bob].sort(), away: [] });
    await request(aliceOnN1, 'presence:away', { away: true });
    await presence.until((events) => latest(events)?.away.join() === alice);
    await request(aliceOnN1, 'presence:away', { away: false });
    await presence.until((events) => latest(events)?.away.length === 0);
    aliceOnN1.disconnect();
    await presence.until((events) => latest(events)?.users.join() === bob);
  });
});
