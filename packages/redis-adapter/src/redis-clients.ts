/**
 * The two shapes of node-redis client the adapter accepts: a standalone client (`createClient`)
 * and a Redis Cluster client (`createCluster`). Both publish and subscribe with the same methods;
 * they differ in how a raw command is sent: a cluster client must be told which key routes it
 * to its shard. `commandRunner` hides that difference from the rest of the adapter.
 */
/** A message listener in node-redis buffer mode. */
export type FrameListener = (message: Buffer, channel: Buffer) => unknown;

/**
 * A listener passed to unsubscribe: node-redis types the cluster client's with either message
 * type, and only compares it by identity with the one subscribed.
 */
export type ListenerToRemove = (message: string | Buffer, channel: string | Buffer) => unknown;

/** What both client shapes share: readiness, events and pub/sub. */
interface PubSubClientLike {
  readonly isReady: boolean;
  publish(channel: string, message: Buffer): Promise<unknown>;
  sPublish(channel: string, message: Buffer): Promise<unknown>;
  subscribe(channels: string, listener: FrameListener, bufferMode: true): Promise<unknown>;
  unsubscribe(channels: string, listener: ListenerToRemove, bufferMode: true): Promise<unknown>;
  sSubscribe(channels: string, listener: FrameListener, bufferMode: true): Promise<unknown>;
  sUnsubscribe(channels: string, listener: ListenerToRemove, bufferMode: true): Promise<unknown>;
  // biome-ignore lint/suspicious/noExplicitAny: event listeners of any shape
  on(event: string, listener: (...args: any[]) => void): unknown;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  off(event: string, listener: (...args: any[]) => void): unknown;
}

/**
 * The subset of a standalone node-redis (`@redis/client` v5/v6) client the adapter uses:
 * `createClient()`, a client with modules or RESP3, or `client.duplicate()` all qualify.
 */
export interface RedisClientLike extends PubSubClientLike {
  // biome-ignore lint/suspicious/noExplicitAny: node-redis types command options with many generics
  sendCommand(args: Array<string | Buffer>, options?: any): Promise<unknown>;
}

/**
 * The subset of a node-redis cluster client (`createCluster()`, or its `duplicate()`) the adapter
 * uses. `masters` tells it apart from a standalone client.
 */
export interface RedisClusterLike extends PubSubClientLike {
  readonly masters: readonly unknown[];
  sendCommand(
    firstKey: string | Buffer | undefined,
    isReadonly: boolean | undefined,
    args: Array<string | Buffer>,
    // biome-ignore lint/suspicious/noExplicitAny: as above
    options?: any,
  ): Promise<unknown>;
}

/** Any client `createAdapter` accepts. */
export type AnyRedisClient = RedisClientLike | RedisClusterLike;

/** Sends one command; bulk strings come back as Buffers. */
export type CommandRunner = (args: Array<string | Buffer>) => Promise<unknown>;

export function isClusterClient(client: AnyRedisClient): client is RedisClusterLike {
  return Array.isArray((client as Partial<RedisClusterLike>).masters);
}

// The read-only commands the adapter sends: a cluster client may serve them from a replica
// when configured to (`useReplicas`).
const READ_ONLY = new Set(['GET', 'HGET', 'XRANGE', 'ZRANGE']);

/**
 * Every command the adapter sends names exactly one key, right after the command name (XADD,
 * SET, GETDEL, XRANGE, HSET, HGET, HDEL, PEXPIRE, ZADD, ZRANGE, ZREMRANGEBYSCORE), so a cluster
 * client routes it by that key: no command ever spans two slots.
 */
export function commandRunner(client: AnyRedisClient, options: object): CommandRunner {
  if (!isClusterClient(client)) return (args) => client.sendCommand(args, options);
  return (args) => client.sendCommand(args[1], READ_ONLY.has(String(args[0])), args, options);
}
