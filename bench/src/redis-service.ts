/**
 * The orchestrator's view of the Redis the cluster workloads run on (127.0.0.1:6379 unless
 * BENCH_REDIS_URL says otherwise): is it there, which process is it (its CPU is reported apart),
 * and removing a run's keys afterwards (the recovery streams and session hashes would otherwise
 * stay behind until they expire, or for ever for the streams).
 */
import { createClient } from '@redis/client';
import { BenchError } from './errors.js';
import { REDIS_URL } from './servers/cluster.js';

export class RedisUnavailableError extends BenchError<'REDIS_UNAVAILABLE'> {
  constructor(cause: string) {
    super(
      'REDIS_UNAVAILABLE',
      `Redis is not reachable at ${REDIS_URL} (${cause}); the cluster workloads need it: start redis-server ` +
        '(or point BENCH_REDIS_URL at one), or leave them out with --workloads',
    );
  }
}

const CONNECT_TIMEOUT_MS = 2_000;
const SCAN_BATCH = 500;

function connectClient() {
  return createClient({
    url: REDIS_URL,
    socket: { connectTimeout: CONNECT_TIMEOUT_MS, reconnectStrategy: false },
  });
}

type Client = ReturnType<typeof connectClient>;

async function withRedis<T>(use: (client: Client) => Promise<T>): Promise<T> {
  const client = connectClient();
  let lastError: Error | undefined;
  client.on('error', (error: Error) => {
    lastError = error;
  });
  try {
    await client.connect();
  } catch (error) {
    throw new RedisUnavailableError((lastError ?? (error as Error)).message || String(error));
  }
  try {
    return await use(client);
  } finally {
    client.destroy();
  }
}

/** The Redis server's pid when it runs on this machine (undefined when remote or unreadable). */
export function probeRedis(): Promise<number | undefined> {
  return withRedis(async (client) => {
    const info = await client.info('server');
    const pid = Number(/process_id:(\d+)/.exec(info)?.[1]);
    const local = /^redis:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(REDIS_URL);
    return local && Number.isInteger(pid) ? pid : undefined;
  });
}

/** Deletes every key that starts with `prefix`; returns how many there were. */
export function deleteKeys(prefix: string): Promise<number> {
  return withRedis(async (client) => {
    let deleted = 0;
    let batch: string[] = [];
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: SCAN_BATCH })) {
      batch.push(...keys);
      if (batch.length >= SCAN_BATCH) {
        deleted += await client.unlink(batch);
        batch = [];
      }
    }
    if (batch.length > 0) deleted += await client.unlink(batch);
    return deleted;
  });
}
