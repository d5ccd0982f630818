/**
 * Read markers, mutes, mentions and away across two chat nodes (Redis adapter, shared PostgreSQL),
 * with an account's sockets on different nodes. Without Redis or PostgreSQL the suite skips
 * locally (saying how to start them) and fails in CI.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bundle, removeBundle } from './chat-process.js';
import { type ChatNode, Cluster } from './cluster-harness.js';
import { collect, Harness, once, request, uniqueAddress } from './helpers.js';
import { findServices } from './services.js';

const services = await findServices();

if ('error' in services) {
  if (process.env.CI) {
    describe('read state across nodes', () => {
      it('needs Redis and PostgreSQL in CI', () => {
        throw new Error(`Unreachable: ${services.error}`);
      });
    });
  } else {
    console.warn(`Skipping the multi-node read-state tests: ${services.error}`);
    describe.skip('read state across nodes (Redis or PostgreSQL unreachable)', () => {
      it('is skipped', () => {});
    });
  }
} else {
  describe('read state across nodes', { timeout: 30_000 }, () => {
    let entry: string;
    let cluster: Cluster;
    let n1: ChatNode;
    let n2: ChatNode;
    const harness = new Harness();

    beforeAll(async () => {
      entry = await bundle(fileURLToPath(new URL('../src/main.ts', import.meta.url)), 'read-state-node');
      cluster = new Cluster(entry, services.databaseUrl);
      [n1, n2] = await cluster.startNodes(2);
    }, 60_000);

    afterEach(() => harness.closeAll());

    afterAll(async () => {
      await cluster?.cleanUp();
      if (entry) removeBundle(entry);
    }, 30_000);

    const connect = (node: ChatNode, name: string) =>
      harness.connected(node.url, name, { headers: { 'X-Forwarded-For': uniqueAddress() } });

    it('tells every socket of an account, on every node, of its markers, mutes and mentions', async () => {
      const suffix = randomBytes(3).toString('hex');
      const [alice, bob] = [`alice-${suffix}`, `bob-${suffix}`];
      const onN1 = await connect(n1, alice);
      const onN2 = await connect(n2, alice);
      const bobOnN2 = await connect(n2, bob);
      const room = `r-${suffix}`;
      await request(bobOnN2, 'room:create', { room });
      await request(bobOnN2, 'room:join', { room });
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
      const suffix = randomBytes(3).toString('hex');
      const [alice, bob] = [`alice-${suffix}`, `bob-${suffix}`];
      const onN1 = await connect(n1, alice);
      const onN2 = await connect(n2, alice);
      const bobOnN2 = await connect(n2, bob);
      const room = `r-${suffix}`;
      await request(bobOnN2, 'room:create', { room });
      for (const socket of [bobOnN2, onN1, onN2]) await request(socket, 'room:join', { room });
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
  });
}
