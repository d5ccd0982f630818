/** Redis going away and coming back, with a throwaway redis-server this test owns. */
import { afterEach, expect, test } from 'vitest';
import { waitFor } from '../../server/test/support/wait.js';
import {
  connect,
  describeWithRedisServer,
  flush,
  freePort,
  record,
  startCluster,
  ThrowawayRedis,
  uniqueKey,
  waitForClusterSize,
} from './helpers.js';
import { onTeardown, teardown } from './teardown.js';

afterEach(teardown);

describeWithRedisServer('Redis restarted in the middle of a test', () => {
  test.each(['dynamic', 'sharded'] as const)(
    '%s mode: sockets stay connected, the outage is reported, and the cluster recovers',
    async (mode) => {
      const redis = new ThrowawayRedis(await freePort());
      await redis.start();
      onTeardown(() => redis.stop());
      const nodes = await startCluster(2, { key: uniqueKey(), subscriptionMode: mode }, {}, ['/'], redis.url);
      for (const node of nodes) node.io.on('connection', (socket) => socket.join('room'));
      const clients = [await connect(nodes[0]), await connect(nodes[1])];
      const received = clients.map((client) => record(client, 'news'));
      const disconnects = clients.map((client) => record(client, 'disconnect'));
      nodes[0].io.to('room').emit('news', 'before');
      await flush(nodes[0], clients);
      expect(received.map((r) => r.length)).toEqual([1, 1]);

      const down = nodes.map((node) => waitFor(node.adapter(), 'redis-down'));
      await redis.stop();
      await Promise.all(down);

      // During the outage: local broadcasts still work, requests answer with local results at once.
      nodes[1].io.emit('news', 'during');
      const [during] = await waitFor(clients[1], 'news');
      expect(during).toBe('during');
      expect((await nodes[0].io.fetchSockets()).map((s) => s.id)).toEqual([clients[0].id]);
      expect(await nodes[0].adapter().serverCount()).toBe(1);

      const up = nodes.map((node) => waitFor(node.adapter(), 'redis-up', 15_000));
      await redis.start();
      await Promise.all(up);
      await waitForClusterSize(nodes, 2);

      // After: broadcasts (to the namespace and to a room channel) and requests cross nodes again.
      for (const r of received) r.length = 0;
      nodes[1].io.to('room').emit('news', 'after');
      nodes[1].io.emit('news', 'after, to all');
      await flush(nodes[1], clients);
      expect(received).toEqual([
        [['after'], ['after, to all']],
        [['after'], ['after, to all']],
      ]);
      expect((await nodes[0].io.fetchSockets()).length).toBe(2);
      expect(disconnects).toEqual([[], []]);
      expect(clients.every((client) => client.connected)).toBe(true);
    },
  );
});
