import { fileURLToPath } from 'node:url';
import { parseAllowedOrigins } from './origin-check.js';

export interface ChatConfig {
  port: number;
  host: string;
  /** SQLite file, used when no databaseUrl is set. */
  sqliteFile: string;
  /** PostgreSQL connection string; set it to share one database between several nodes. */
  databaseUrl: string | undefined;
  /** PostgreSQL schema to create and use instead of `public` (several chats in one database). */
  databaseSchema: string | undefined;
  /** Redis connection string; with it the node joins a cluster through the Redis adapter. */
  redisUrl: string | undefined;
  /** Prefix of the adapter's Redis keys and channels; nodes of one chat must share it. */
  redisKey: string;
  /** How often a node announces itself to the others; one silent for twice as long is gone. */
  heartbeatMs: number;
  /**
   * Where the other nodes reach this one (ADVERTISE_URL, `http://10.0.0.5:3000`), so that any node
   * can serve any request of any session (no sticky sessions). Unset, it is the listening address
   * when HOST is a concrete one; on every interface (the default) routing stays off.
   */
  advertiseUrl: string | undefined;
  /** Origins allowed to use the realtime endpoint besides the chat's own (ALLOWED_ORIGINS). */
  allowedOrigins: string[];
  /** Trusted reverse proxies in front of the chat (TRUST_PROXY): X-Forwarded-For hops to believe. */
  trustProxy: number;
  /**
   * Whether the realtime endpoint needs a signed-in session (REQUIRE_ACCOUNT, default on). Off, a
   * client without a session may still chat under a free nickname.
   */
  requireAccount: boolean;
  /**
   * On SIGTERM in a cluster, the node's clients are sent to the other nodes spread over this many
   * milliseconds (DRAIN_MS), so that they don't all reconnect in the same second.
   */
  drainMs: number;
  /** Bearer token for `GET /metrics` (METRICS_TOKEN); unset, the endpoint does not exist. */
  metricsToken: string | undefined;
  /**
   * Client heartbeats (PING_INTERVAL_MS, PING_TIMEOUT_MS): a ping every interval, and a connection
   * that answers none within interval + timeout is dropped, on both ends.
   */
  heartbeat: Heartbeat;
  /** Idle or hidden time after which a page shows its user as away (AWAY_AFTER_MS). */
  awayAfterMs: number;
  /** Largest upload in bytes (UPLOAD_MAX_BYTES, default 5 MB). */
  uploadMaxBytes: number;
  /** Directory for uploaded files (UPLOAD_DIR); unset, they are stored in the database. */
  uploadDir: string | undefined;
}

export interface Heartbeat {
  pingInterval: number;
  pingTimeout: number;
}

export class ConfigError extends Error {
  readonly code = 'INVALID_CONFIG';
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** apps/chat/data/chat.db, wherever the process was started from. */
const DEFAULT_DB = fileURLToPath(new URL('../data/chat.db', import.meta.url));
const DEFAULT_REDIS_KEY = 'parley-chat';
const DEFAULT_HEARTBEAT_MS = 5000;
const DEFAULT_DRAIN_MS = 10_000;
/** Socket.IO's own defaults. */
const DEFAULT_PING_INTERVAL_MS = 25_000;
const DEFAULT_PING_TIMEOUT_MS = 20_000;

export function readConfig(env: NodeJS.ProcessEnv = process.env): ChatConfig {
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const redisUrl = env.REDIS_URL || undefined;
  const databaseUrl = env.DATABASE_URL || undefined;
  // SQLite is a file on this machine: nodes sharing Redis but not a database would each show their
  // own history, which looks like lost messages. Refuse instead of running half-clustered.
  if (redisUrl && !databaseUrl) {
    throw new ConfigError('REDIS_URL needs DATABASE_URL too: cluster nodes must share one PostgreSQL database.');
  }
  const databaseSchema = env.DATABASE_SCHEMA || undefined;
  if (databaseSchema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(databaseSchema)) {
    throw new ConfigError(`DATABASE_SCHEMA must be a lower-case SQL identifier, got "${databaseSchema}".`);
  }
  const allowedOrigins = parseAllowedOrigins(env.ALLOWED_ORIGINS);
  if (!Array.isArray(allowedOrigins)) {
    throw new ConfigError(
      `ALLOWED_ORIGINS must be comma-separated origins like https://chat.example.com, got "${allowedOrigins.invalid}".`,
    );
  }
  return {
    port,
    host: env.HOST || '0.0.0.0',
    sqliteFile: env.CHAT_DB || DEFAULT_DB,
    databaseUrl,
    databaseSchema,
    redisUrl,
    redisKey: env.REDIS_KEY || DEFAULT_REDIS_KEY,
    heartbeatMs: integer(env, 'CLUSTER_HEARTBEAT_MS', DEFAULT_HEARTBEAT_MS, 50, 600_000),
    advertiseUrl: advertiseUrl(env.ADVERTISE_URL),
    allowedOrigins,
    trustProxy: integer(env, 'TRUST_PROXY', 0, 0, 10),
    requireAccount: flag(env, 'REQUIRE_ACCOUNT', true),
    drainMs: integer(env, 'DRAIN_MS', DEFAULT_DRAIN_MS, 0, 600_000),
    metricsToken: env.METRICS_TOKEN || undefined,
    heartbeat: {
      pingInterval: integer(env, 'PING_INTERVAL_MS', DEFAULT_PING_INTERVAL_MS, 100, 600_000),
      pingTimeout: integer(env, 'PING_TIMEOUT_MS', DEFAULT_PING_TIMEOUT_MS, 100, 600_000),
    },
    awayAfterMs: integer(env, 'AWAY_AFTER_MS', 5 * 60 * 1000, 1000, 86_400_000),
    // Held in memory while it arrives (see uploads/upload-registry.ts), hence the 50 MB ceiling.
    uploadMaxBytes: integer(env, 'UPLOAD_MAX_BYTES', 5 * 1024 * 1024, 1024, 50 * 1024 * 1024),
    uploadDir: env.UPLOAD_DIR || undefined,
  };
}

function advertiseUrl(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^http:\/\/[^/\s]+:\d+\/?$/.test(raw)) {
    throw new ConfigError(`ADVERTISE_URL must be an http://host:port URL reachable by the other nodes, got "${raw}".`);
  }
  return raw;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}".`);
  }
  return value;
}

function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = (env[name] ?? '').trim().toLowerCase();
  if (raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${env[name]}".`);
}
