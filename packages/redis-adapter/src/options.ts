/** The adapter's options, their defaults, and their validation. */
import { RedisAdapterError } from './errors.js';

/**
 * How broadcasts travel:
 * - `static`: one channel per namespace; every node receives every broadcast.
 * - `dynamic`: plus one channel per room; a node subscribes to a room's channel only while it
 *   has local sockets in that room, so `to(room)` wakes only the nodes with members (at the
 *   cost of a SUBSCRIBE/UNSUBSCRIBE whenever a room appears or empties on a node).
 * - `sharded`: as `dynamic`, over Redis 7 sharded pub/sub (SPUBLISH/SSUBSCRIBE), so that in a
 *   Redis Cluster each channel lives on one shard instead of being copied to every shard (the
 *   mode to use with a cluster client).
 */
export type SubscriptionMode = 'static' | 'dynamic' | 'sharded';

export interface RedisAdapterOptions {
  /** Prefix of every channel and key. Default `parley`. */
  key?: string;
  /** Default `static`; see SubscriptionMode. */
  subscriptionMode?: SubscriptionMode;
  /** How long a cluster request (fetchSockets, serverSideEmit with ack, ...) waits. Default 5000 ms. */
  requestsTimeout?: number;
  /** How often a node announces itself. Default 5000 ms. */
  heartbeatInterval?: number;
  /** A node not heard from for this long is considered gone. Default 10000 ms. */
  heartbeatTimeout?: number;
  /**
   * Connection state recovery (on when the server enables `connectionStateRecovery`, whose
   * `maxDisconnectionDuration` is how long sessions are kept): the approximate number of
   * broadcasts kept per namespace (a Redis Stream trimmed with `MAXLEN ~`). Default 10000.
   */
  streamMaxLength?: number;
  /**
   * Connection state recovery: also keep the sessions of connected sockets in Redis, so that the
   * clients of a node that dies without closing (SIGKILL, out of memory, lost machine) recover
   * on the other nodes. Costs a Redis write per connect and per room change. Default false
   * (socket.io's adapters recover nothing after a crash).
   */
  crashRecovery?: boolean;
}

export type ResolvedOptions = Required<RedisAdapterOptions>;

const MODES: readonly SubscriptionMode[] = ['static', 'dynamic', 'sharded'];

export function resolveOptions(opts: RedisAdapterOptions = {}): ResolvedOptions {
  const resolved: ResolvedOptions = {
    key: opts.key ?? 'parley',
    subscriptionMode: opts.subscriptionMode ?? 'static',
    requestsTimeout: opts.requestsTimeout ?? 5000,
    heartbeatInterval: opts.heartbeatInterval ?? 5000,
    heartbeatTimeout: opts.heartbeatTimeout ?? 10_000,
    streamMaxLength: opts.streamMaxLength ?? 10_000,
    crashRecovery: opts.crashRecovery ?? false,
  };
  if (typeof resolved.key !== 'string' || resolved.key.length === 0) invalid('key must be a non-empty string');
  if (!MODES.includes(resolved.subscriptionMode)) invalid(`subscriptionMode must be one of ${MODES.join(', ')}`);
  for (const name of ['requestsTimeout', 'heartbeatInterval', 'heartbeatTimeout', 'streamMaxLength'] as const) {
    positive(name, resolved[name]);
  }
  if (typeof resolved.crashRecovery !== 'boolean') invalid('crashRecovery must be a boolean');
  if (resolved.heartbeatTimeout <= resolved.heartbeatInterval) {
    invalid('heartbeatTimeout must be greater than heartbeatInterval');
  }
  return resolved;
}

function positive(name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) invalid(`${name} must be a positive number`);
}

function invalid(message: string): never {
  throw new RedisAdapterError('INVALID_OPTION', message);
}
