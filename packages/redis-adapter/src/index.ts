/**
 * @parley/redis-adapter: many Parley servers behaving as one, coordinated through Redis.
 *
 * @example
 * import { createClient } from '@redis/client';
 * import { Server } from '@parley/server';
 * import { createAdapter } from '@parley/redis-adapter';
 *
 * const pubClient = createClient({ url: process.env.REDIS_URL });
 * const subClient = pubClient.duplicate();
 * await Promise.all([pubClient.connect(), subClient.connect()]);
 * const io = new Server(3000, { adapter: createAdapter(pubClient, subClient) });
 */
export { decodeFrame, encodeFrame } from './codec.js';
export { createAdapter, type RedisAdapterConstructor } from './create-adapter.js';
export { type DrainableServer, type DrainOptions, drain } from './drain.js';
export { BadMessageError, RedisAdapterError, type RedisAdapterErrorCode, RequestTimeoutError } from './errors.js';
export type { NodeId } from './node-registry.js';
export type { RedisAdapterOptions, SubscriptionMode } from './options.js';
export { RedisAdapter, type RedisAdapterState } from './redis-adapter.js';
export type { AnyRedisClient, FrameListener, RedisClientLike, RedisClusterLike } from './redis-clients.js';
export {
  RedisSessionRouter,
  type RoutableServer,
  type RoutingStats,
  routeSessions,
  type SessionRoutingOptions,
} from './routing/route-sessions.js';
