/** The factory handed to the server: `new Server(httpServer, { adapter: createAdapter(pub, sub) })`. */
import { randomBytes } from 'node:crypto';
import type { AnyNamespace } from '@parley/server';
import { type RedisAdapterOptions, resolveOptions } from './options.js';
import { RedisAdapter } from './redis-adapter.js';
import type { AnyRedisClient } from './redis-clients.js';
import { RedisLink } from './redis-link.js';

/**
 * What `createAdapter` returns: the server builds one adapter per namespace with it, whether it
 * calls it with `new` (as socket.io does) or as a plain function.
 */
export interface RedisAdapterConstructor {
  new (nsp: AnyNamespace): RedisAdapter;
  (nsp: AnyNamespace): RedisAdapter;
}

/**
 * Creates the adapter factory for one server. The clients are the caller's: connect them before
 * (or while) the server starts, and quit them after closing the server. `subClient` is used only
 * for subscriptions (e.g. `pubClient.duplicate()`). Both are standalone clients (`createClient`)
 * or both Redis Cluster clients (`createCluster`, best with `subscriptionMode: 'sharded'`).
 *
 * @example
 * const pubClient = createClient({ url: 'redis://127.0.0.1:6379' });
 * const subClient = pubClient.duplicate();
 * await Promise.all([pubClient.connect(), subClient.connect()]);
 * const io = new Server(httpServer, { adapter: createAdapter(pubClient, subClient) });
 */
export function createAdapter(
  pubClient: AnyRedisClient,
  subClient: AnyRedisClient,
  opts: RedisAdapterOptions = {},
): RedisAdapterConstructor {
  const options = resolveOptions(opts);
  const link = new RedisLink(pubClient, subClient, options.subscriptionMode === 'sharded');
  // One id per server: every namespace adapter of this server is the same node to the others.
  const uid = randomBytes(9).toString('base64url');
  // A plain function returning an object works both with and without `new`.
  return function RedisAdapterFactory(nsp: AnyNamespace) {
    return new RedisAdapter(nsp, link, uid, options);
  } as unknown as RedisAdapterConstructor;
}
