/**
 * Cluster mode: two Redis connections (publish, subscribe) and the Redis adapter over them, so
 * that several chat nodes behave as one server: broadcasts, `fetchSockets` (presence),
 * server-side events and connection state recovery span every node.
 */

import { createAdapter, routeSessions } from '@parley/redis-adapter';
import type { AdapterConstructor } from '@parley/server';
import { createClient } from '@redis/client';

export interface ClusterOptions {
  redisUrl: string;
  /** Prefix of every Redis key and channel; the nodes of one chat share it. */
  key: string;
  /** Heartbeat period; a node silent for twice as long is considered gone. */
  heartbeatMs: number;
  /** Where the other nodes reach this one (see `routeSessions`); default: the listening address. */
  advertiseUrl?: string;
}

export interface ClusterLink {
  readonly adapter: AdapterConstructor;
  /**
   * Lets this node serve requests of sessions other nodes own, and theirs of sessions it owns, by
   * forwarding them to the owner: no sticky sessions needed. Resolves with why routing is off
   * (listening on every interface without an advertised URL), or undefined once it is on.
   */
  routeSessions(io: Parameters<typeof routeSessions>[0]): Promise<string | undefined>;
  /** Closes both Redis connections (after the server, so its goodbye still goes out). */
  close(): Promise<void>;
}

export class ClusterError extends Error {
  readonly code = 'REDIS_UNREACHABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ClusterError';
  }
}

/** How long startup waits for Redis before giving up with a clear error. */
const CONNECT_DEADLINE_MS = 10_000;
/** Reconnection backoff once running: quick at first, then every 2 s while Redis is away. */
const reconnectDelay = (retries: number): number => Math.min(100 * 2 ** retries, 2000);

/** Connects to Redis and returns the adapter factory; rejects with ClusterError when unreachable. */
export async function connectCluster(options: ClusterOptions): Promise<ClusterLink> {
  const pub = createClient({
    url: options.redisUrl,
    socket: { connectTimeout: 5000, reconnectStrategy: reconnectDelay },
  });
  const sub = pub.duplicate();
  let lastError: unknown;
  // Without a listener an 'error' event would crash the process; the adapter adds its own later.
  const remember = (err: unknown) => {
    lastError = err;
  };
  pub.on('error', remember);
  sub.on('error', remember);
  const destroy = () => {
    for (const client of [pub, sub]) if (client.isOpen) client.destroy();
  };
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new ClusterError(`Redis at ${redact(options.redisUrl)} is unreachable`, { cause: lastError })),
      CONNECT_DEADLINE_MS,
    );
  });
  try {
    await Promise.race([Promise.all([pub.connect(), sub.connect()]), deadline]);
  } catch (err) {
    destroy();
    throw err instanceof ClusterError
      ? err
      : new ClusterError(`Redis at ${redact(options.redisUrl)} refused the connection`, { cause: err });
  } finally {
    clearTimeout(timer);
  }
  const adapter = createAdapter(pub, sub, {
    key: options.key,
    heartbeatInterval: options.heartbeatMs,
    heartbeatTimeout: options.heartbeatMs * 2,
    // A node that crashes (no goodbye) must not cost its users their session: what recovery
    // needs is kept in Redis while they are connected, so they recover on another node.
    crashRecovery: true,
  }) as AdapterConstructor;
  let closing: Promise<void> | undefined;
  return {
    adapter,
    async routeSessions(io) {
      const address = (io.httpServer as { address(): { address: string } | string | null } | undefined)?.address();
      const wildcard = typeof address === 'object' && address !== null && ['0.0.0.0', '::'].includes(address.address);
      if (options.advertiseUrl === undefined && wildcard) {
        return 'listening on every interface without ADVERTISE_URL: HTTP long-polling needs sticky sessions';
      }
      await routeSessions(io, pub, {
        key: options.key,
        advertise: options.advertiseUrl,
        heartbeatInterval: options.heartbeatMs,
        onError: remember,
      });
      return undefined;
    },
    close() {
      closing ??= Promise.allSettled([pub.close(), sub.close()]).then(destroy);
      return closing;
    },
  };
}

/** The URL without its password, for log lines. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}
