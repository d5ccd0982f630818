/**
 * Options of the chat load (`npm run chat-load -w @parley/bench -- …`):
 *
 *   --quick                 smoke scale: 12 users in 3 rooms, 12 messages/s, 1.5 s measured
 *   --stores a,b            sqlite, postgres (default both)
 *   --users N               signed-in users, one connection each (default 400)
 *   --rooms M               rooms the users are spread over evenly (default 20)
 *   --rate R                messages per second sent in total, spread evenly over the users (default 400)
 *   --seconds S             measured seconds (default 15), after --warmup seconds (default 3)
 *   --no-profile            do not CPU-profile the chat process (no "where the time goes")
 *   --no-pin                do not pin the chat and the load to separate cores
 *   --database-url URL      PostgreSQL to use (default: postgres@ or root@127.0.0.1:5432/test, whichever
 *                           answers); each run works in a fresh schema, dropped afterwards
 *   --chat FILE             the chat build to run (default apps/chat/dist/main.js), e.g. another
 *                           worktree's, to compare two versions of the chat under the same load
 *   --out DIR               where chat-load.md / chat-load.json go (default bench/results)
 *
 * The chat's per-user send budget is part of the product (request-limits.ts: 10 messages in any
 * 5 seconds); the load respects it instead of lifting it, so the rate per user is capped below it
 * and a higher total rate needs more users.
 */
import { parseArgs } from 'node:util';
import { ConfigError, positiveFlag } from '../config.js';

export type ChatStoreKind = 'sqlite' | 'postgres';
export const CHAT_STORES: readonly ChatStoreKind[] = ['sqlite', 'postgres'];

export interface ChatLoadOptions {
  scale: 'full' | 'quick';
  stores: ChatStoreKind[];
  users: number;
  rooms: number;
  /** Messages per second, all users together. */
  ratePerSec: number;
  warmupMs: number;
  durationMs: number;
  profile: boolean;
  pin: boolean;
  /** PostgreSQL URL; undefined tries POSTGRES_CANDIDATES (chat-server.ts). */
  databaseUrl: string | undefined;
  /** The chat entry to run; undefined: this checkout's apps/chat/dist/main.js. */
  chatEntry: string | undefined;
  outDir: string | undefined;
}

/**
 * The chat's default send budget (DEFAULT_BUDGETS.send in apps/chat/src/chat/request-limits.ts; the
 * bench runs compiled on its own, so it is restated here and a test checks the two agree).
 */
export const CHAT_SEND_BUDGET = { limit: 10, windowMs: 5_000 };
/** The send budget as messages per second per user, and the share of it the load may use. */
const SEND_BUDGET_PER_SEC = (CHAT_SEND_BUDGET.limit / CHAT_SEND_BUDGET.windowMs) * 1000;
const BUDGET_SHARE = 0.8;
export const MAX_RATE_PER_USER = SEND_BUDGET_PER_SEC * BUDGET_SHARE;

const FULL = { users: 400, rooms: 20, ratePerSec: 400, warmupMs: 3_000, durationMs: 15_000 };
const QUICK = { users: 12, rooms: 3, ratePerSec: 12, warmupMs: 500, durationMs: 1_500 };

export function buildChatLoadOptions(overrides: Partial<ChatLoadOptions> = {}): ChatLoadOptions {
  const scale = overrides.scale ?? 'full';
  const base = scale === 'quick' ? QUICK : FULL;
  const options: ChatLoadOptions = {
    scale,
    stores: overrides.stores ?? [...CHAT_STORES],
    users: overrides.users ?? base.users,
    rooms: overrides.rooms ?? base.rooms,
    ratePerSec: overrides.ratePerSec ?? base.ratePerSec,
    warmupMs: overrides.warmupMs ?? base.warmupMs,
    durationMs: overrides.durationMs ?? base.durationMs,
    profile: overrides.profile ?? true,
    pin: overrides.pin ?? true,
    databaseUrl: overrides.databaseUrl,
    chatEntry: overrides.chatEntry,
    outDir: overrides.outDir,
  };
  if (options.rooms > options.users) throw new ConfigError('--rooms cannot exceed --users (every room needs a user)');
  if (options.users < 2) throw new ConfigError('--users must be at least 2 (someone has to receive)');
  const perUser = options.ratePerSec / options.users;
  if (perUser > MAX_RATE_PER_USER) {
    throw new ConfigError(
      `${options.ratePerSec} messages/s over ${options.users} users is ${perUser.toFixed(2)} per user, above the ` +
        `${MAX_RATE_PER_USER.toFixed(1)}/s the load allows itself under the chat's send budget ` +
        `(${CHAT_SEND_BUDGET.limit} per ${CHAT_SEND_BUDGET.windowMs / 1000} s): add users`,
    );
  }
  return options;
}

export function chatLoadOptionsFromArgs(argv: string[]): ChatLoadOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean' },
      stores: { type: 'string' },
      users: { type: 'string' },
      rooms: { type: 'string' },
      rate: { type: 'string' },
      seconds: { type: 'string' },
      warmup: { type: 'string' },
      'no-profile': { type: 'boolean' },
      'no-pin': { type: 'boolean' },
      'database-url': { type: 'string' },
      chat: { type: 'string' },
      out: { type: 'string' },
    },
    strict: true,
  });
  const stores = values.stores?.split(',').map((store) => store.trim());
  for (const store of stores ?? []) {
    if (!CHAT_STORES.includes(store as ChatStoreKind)) {
      throw new ConfigError(`unknown store "${store}" (known: ${CHAT_STORES.join(', ')})`);
    }
  }
  const whole = (value: number | undefined) => (value === undefined ? undefined : Math.ceil(value));
  const ms = (value: number | undefined) => (value === undefined ? undefined : Math.round(value * 1000));
  return buildChatLoadOptions({
    scale: values.quick ? 'quick' : 'full',
    stores: stores as ChatStoreKind[] | undefined,
    users: whole(positiveFlag(values.users, 'users')),
    rooms: whole(positiveFlag(values.rooms, 'rooms')),
    ratePerSec: positiveFlag(values.rate, 'rate'),
    durationMs: ms(positiveFlag(values.seconds, 'seconds')),
    warmupMs: ms(positiveFlag(values.warmup, 'warmup')),
    profile: !values['no-profile'],
    pin: !values['no-pin'],
    databaseUrl: values['database-url'],
    chatEntry: values.chat,
    outDir: values.out,
  });
}
