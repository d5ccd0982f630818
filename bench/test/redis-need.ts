/** Redis, as the benchmark tests that run against it need it (BENCH_REDIS_URL, default 127.0.0.1:6379). */
import type { Need } from '../../packages/server/test/support/needs.js';
import { probeRedis } from '../src/redis-service.js';

export async function redisNeed(): Promise<Need> {
  // The probe's error says where it looked and how to start Redis.
  const missing = await probeRedis().then(
    () => undefined,
    (error: Error) => error.message,
  );
  return { present: missing === undefined, what: 'Redis', hint: missing ?? '' };
}
