/**
 * Message changes across a cluster: two node processes sharing Redis (adapter) and PostgreSQL
 * (store). An edit, a reaction or a deletion made through one node reaches clients of the other;
 * a member removed through one node is out of the room on the other at once.
 */
import { expect, it } from 'vitest';
import { describeCluster } from './cluster-harness.js';
import { collect, once, request } from './helpers.js';

interface Message {
  id: number;
  text: string;
  deletedAt?: number;
  reactions?: { emoji: string; usernames: string[] }[];
}

describeCluster('message changes across nodes', { bundle: 'changes-node', nodes: 2 }, ({ nodes, harness }) => {
  it('edits, reactions and deletions made on one node reach the other; removal acts on every node', async () => {
    const [n1, n2] = nodes;
    const ada = await harness.connected(n1.url, 'ada');
    const bob = await harness.connected(n2.url, 'bob');
    expect(await request(ada, 'room:create', { room: 'crew', private: true })).toMatchObject({ ok: true });
    await request(ada, 'room:join', { room: 'crew' });
    await request(ada, 'room:invite', { room: 'crew', username: 'bob' });
    expect(await request(bob, 'room:join', { room: 'crew' })).toMatchObject({ ok: true });

    const sent = await request<{ message: Message }>(ada, 'message:send', {
      room: 'crew',
      text: 'v1',
      clientId: 'm1',
    });
    const id = sent.message.id;
    const updates = collect<Message>(bob, 'message:update');
    // With recovery on, a room broadcast goes out once the cluster log has given it an offset, so
    // it may reach the sender's own socket after the acknowledgement: ada's updates are awaited too.
    const adaUpdates = collect<Message>(ada, 'message:update');
    await request(ada, 'message:edit', { room: 'crew', id, text: 'v2' });
    await request(ada, 'message:react', { room: 'crew', id, emoji: '🔥', on: true });
    await updates.until((items) => items.length === 2);
    expect(updates.items.map((m) => m.text)).toEqual(['v2', 'v2']);
    expect(updates.items[1].reactions).toEqual([{ emoji: '🔥', usernames: ['ada'] }]);
    await adaUpdates.until((items) => items.length === 2);
    await request(bob, 'message:react', { room: 'crew', id, emoji: '🔥', on: true });
    await adaUpdates.until((items) => items.length === 3);
    expect(adaUpdates.items[2].reactions).toEqual([{ emoji: '🔥', usernames: ['ada', 'bob'] }]);

    const removed = once<{ room: string }>(bob, 'room:removed');
    expect(await request(ada, 'room:remove', { room: 'crew', username: 'bob' })).toMatchObject({ ok: true });
    expect(await removed).toEqual({ room: 'crew' });
    const bobHears = { messages: collect(bob, 'message'), updates: collect(bob, 'message:update') };
    await request(ada, 'message:send', { room: 'crew', text: 'after removal', clientId: 'm2' });
    await request(ada, 'message:delete', { room: 'crew', id });
    expect(await request(bob, 'room:join', { room: 'crew' })).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_ROOM' },
    });
    // A broadcast sent after the check would have arrived by now: the cluster round trip is done.
    await request(bob, 'rooms:list');
    expect(bobHears.messages.items).toEqual([]);
    expect(bobHears.updates.items).toEqual([]);
  });
});
