/**
 * The adapter contract every adapter passes (packages/server/test/adapters/contract.ts), run
 * against @parley/redis-adapter: two Parley servers over the shared Redis, official clients.
 */
import { adapterContract, type Cluster } from '../../server/test/adapters/contract.js';
import { describeWithRedis, startCluster, uniqueKey } from './helpers.js';
import { teardown } from './teardown.js';

for (const subscriptionMode of ['dynamic', 'static'] as const) {
  describeWithRedis(`@parley/redis-adapter (${subscriptionMode} subscriptions)`, () => {
    adapterContract({
      async start(opts): Promise<Cluster> {
        const nodes = await startCluster(2, { key: uniqueKey(), subscriptionMode }, opts);
        return {
          nodes: nodes.map((node) => ({ io: node.io, url: `http://127.0.0.1:${node.port}` })),
          close: teardown,
        };
      },
      recovery: true,
    });
  });
}
