/**
 * Finds the services some chat suites need: PostgreSQL (the store) and Redis (the cluster's
 * adapter). What is missing comes back as an error that says how to start it.
 */
import { createClient } from '@redis/client';
import pg from 'pg';

export const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const DATABASE_URLS = process.env.TEST_DATABASE_URL
  ? [process.env.TEST_DATABASE_URL]
  : ['postgres://postgres@127.0.0.1:5432/test', 'postgres://root@127.0.0.1:5432/test'];

const START_REDIS =
  'Start Redis on 127.0.0.1:6379 (`apt-get install -y redis-server && redis-server --daemonize yes`, or set REDIS_URL).';
const START_POSTGRES =
  'Start PostgreSQL on 127.0.0.1:5432 with a database "test" and trust authentication ' +
  '(`apt-get install -y postgresql && service postgresql start && su postgres -c "createdb test"`, or set TEST_DATABASE_URL).';

/** Either a database to use or what is missing; `error` is undefined when nothing is. */
export type Found = { databaseUrl: string; error?: undefined } | { databaseUrl?: undefined; error: string };

/** A reachable PostgreSQL database for tests, or why there is none. */
export async function findDatabase(): Promise<Found> {
  const errors: string[] = [];
  for (const url of DATABASE_URLS) {
    const error = await pingPostgres(url);
    if (!error) return { databaseUrl: url };
    errors.push(`PostgreSQL ${url}: ${error}`);
  }
  return { error: `${errors.join('; ')}. ${START_POSTGRES}` };
}

/** A reachable PostgreSQL database and Redis (at REDIS_URL), or why either is missing. */
export async function findServices(): Promise<Found> {
  const [database, redisError] = await Promise.all([findDatabase(), pingRedis(REDIS_URL)]);
  if (!redisError) return database;
  const missingRedis = `Redis ${REDIS_URL}: ${redisError}. ${START_REDIS}`;
  return { error: database.error ? `${missingRedis} ${database.error}` : missingRedis };
}

/** Drops a schema a test created (and everything in it). */
export async function dropSchema(databaseUrl: string, schema: string): Promise<void> {
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await admin.end();
  }
}

function pingRedis(url: string): Promise<string | undefined> {
  const client = createClient({ url, socket: { connectTimeout: 2000, reconnectStrategy: false } });
  client.on('error', () => {});
  return failureOf(
    async () => {
      await client.connect();
      await client.ping();
    },
    () => {
      if (client.isOpen) client.destroy();
    },
  );
}

function pingPostgres(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on('error', () => {});
  return failureOf(
    async () => {
      await client.connect();
      await client.query('SELECT 1');
    },
    () => client.end().catch(() => {}),
  );
}

/** Why `check` failed, or undefined when it succeeded; `close` runs either way. */
async function failureOf(check: () => Promise<void>, close: () => unknown): Promise<string | undefined> {
  try {
    await check();
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    await close();
  }
}
