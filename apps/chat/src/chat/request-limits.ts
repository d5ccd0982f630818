/**
 * Per-user budgets for every kind of request. Each accepted request costs the server store reads,
 * presence lookups and reply bytes, so each kind is limited, and per identity rather than per
 * connection: opening more sockets gives no extra budget. Checked before any work is done, so a
 * burst of requests in one HTTP POST costs one map lookup each once the budget is spent.
 */
import { ChatError } from './errors.js';
import { RateLimiter } from './rate-limit.js';

export type RequestKind =
  | 'list'
  | 'create'
  | 'join'
  | 'leave'
  | 'history'
  | 'send'
  | 'typing'
  // message changes (message-changes.ts)
  | 'edit'
  | 'react'
  // private rooms' members (handlers.ts, message-changes.ts)
  | 'members'
  // direct messages opened, new or not (handlers.ts)
  | 'dm'
  // read state and presence (read-state.ts, away.ts)
  | 'read'
  | 'away'
  // search and attachments (search.ts, uploads/)
  | 'search'
  | 'upload'
  | 'uploadChunk';

export interface Budget {
  /** Requests allowed in any window of `windowMs`. */
  limit: number;
  windowMs: number;
}

export type RequestBudgets = Record<RequestKind, Budget>;

/**
 * The defaults. A page reconnecting lists the rooms, rejoins each (up to 50, the most one can be
 * in) and may fetch a few catch-up pages per room: the page waits out a refusal and retries, so a
 * user in many rooms is slowed, never stuck. The typing budget fits a start/stop pair per message.
 */
export const DEFAULT_BUDGETS: RequestBudgets = {
  list: { limit: 10, windowMs: 10_000 },
  create: { limit: 5, windowMs: 60_000 },
  join: { limit: 30, windowMs: 10_000 },
  leave: { limit: 30, windowMs: 10_000 },
  history: { limit: 30, windowMs: 10_000 },
  send: { limit: 10, windowMs: 5_000 },
  typing: { limit: 10, windowMs: 2_000 },
  // Edits and deletions are rarer than sends; reactions come in quick bursts (add, change mind).
  edit: { limit: 10, windowMs: 10_000 },
  react: { limit: 20, windowMs: 10_000 },
  // Invitations and removals, one budget: an owner who sets up a room invites a whole team at once
  // (30 in a burst), and one minute later may invite 30 more; a script adding or removing everyone
  // it can name is held to one request every 2 seconds.
  members: { limit: 30, windowMs: 60_000 },
  // Opening a DM (the page asks each time "Message" is clicked, for an existing one too): moving
  // between a team's conversations, not the creation of rooms.
  dm: { limit: 30, windowMs: 60_000 },
  // Read markers (one per room opened or message seen, coalesced by the page), mutes, unread lists.
  read: { limit: 60, windowMs: 10_000 },
  // Away/back changes: a page sends one per state change.
  away: { limit: 20, windowMs: 10_000 },
  // Search queries the full-text index; typing a query sends one per pause, not per key.
  search: { limit: 20, windowMs: 10_000 },
  // Uploads: starts (one per file), and 64 KB chunks (200 per 10 s is 1.25 MB/s per user).
  upload: { limit: 5, windowMs: 10_000 },
  uploadChunk: { limit: 200, windowMs: 10_000 },
};

/** What the refusal says was too much, per kind. */
const REFUSAL: Record<RequestKind, string> = {
  list: 'Too many room list requests',
  create: 'Too many new rooms',
  join: 'Too many room joins',
  leave: 'Too many room leaves',
  history: 'Too many history requests',
  send: 'You are sending too fast',
  typing: 'Too many typing notices',
  edit: 'You are changing messages too fast',
  react: 'Too many reactions',
  members: 'Too many invitations and removals',
  dm: 'Too many direct messages opened',
  read: 'Too many read-state requests',
  away: 'Too many away changes',
  search: 'Too many searches',
  upload: 'Too many uploads',
  uploadChunk: 'Uploading too fast',
};

interface IdentityBudgets {
  limiters: Partial<Record<RequestKind, RateLimiter>>;
  lastUsed: number;
}

/** How often idle identities are forgotten. */
const SWEEP_EVERY_MS = 60_000;

export class RequestLimits {
  readonly #budgets: RequestBudgets;
  readonly #byIdentity = new Map<string, IdentityBudgets>();
  /** An identity idle this long has a full budget again, so its entry can go. */
  readonly #forgetAfterMs: number;
  readonly #sweeper: NodeJS.Timeout;

  constructor(budgets: Partial<RequestBudgets> = {}) {
    this.#budgets = { ...DEFAULT_BUDGETS, ...budgets };
    this.#forgetAfterMs = Math.max(...Object.values(this.#budgets).map((budget) => budget.windowMs));
    // One timer for all identities, not one per entry; it never keeps the process alive.
    this.#sweeper = setInterval(() => this.sweep(Date.now()), SWEEP_EVERY_MS);
    this.#sweeper.unref();
  }

  /** Spends one request of `kind` for `identity`; returns 0, or the ms to wait when over budget. */
  take(identity: string, kind: RequestKind, now: number): number {
    let entry = this.#byIdentity.get(identity);
    if (entry === undefined) {
      entry = { limiters: {}, lastUsed: now };
      this.#byIdentity.set(identity, entry);
    }
    entry.lastUsed = now;
    let limiter = entry.limiters[kind];
    if (limiter === undefined) {
      const { limit, windowMs } = this.#budgets[kind];
      limiter = new RateLimiter(limit, windowMs);
      entry.limiters[kind] = limiter;
    }
    return limiter.take(now);
  }

  /** Like `take`, but throws the RATE_LIMITED error (with the wait) that the ack carries. */
  spend(identity: string, kind: RequestKind, now = Date.now()): void {
    const wait = this.take(identity, kind, now);
    if (wait > 0) throw new ChatError('RATE_LIMITED', `${REFUSAL[kind]}; wait ${seconds(wait)}.`, wait);
  }

  /** Forgets identities idle for longer than the longest window (their budgets are full again). */
  sweep(now: number): void {
    for (const [identity, entry] of this.#byIdentity) {
      if (now - entry.lastUsed >= this.#forgetAfterMs) this.#byIdentity.delete(identity);
    }
  }

  /** Identities currently tracked (for tests and metrics). */
  get size(): number {
    return this.#byIdentity.size;
  }

  close(): void {
    clearInterval(this.#sweeper);
    this.#byIdentity.clear();
  }
}

function seconds(ms: number): string {
  const s = Math.ceil(ms / 1000);
  return s === 1 ? '1 second' : `${s} seconds`;
}
