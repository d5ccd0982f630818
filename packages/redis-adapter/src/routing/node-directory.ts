/**
 * Where each node of the cluster can be reached: a Redis hash `<key>-route-nodes` (node tag ->
 * `<expiry ms> <url>`), which every node rewrites its own entry in once per heartbeat, and reads
 * back whole at the same time into an in-memory cache. Routing a request reads the cache only:
 * no Redis command per request once warm. A tag missing from the cache (a node that started
 * since the last heartbeat) triggers a re-read, at most one per `missRefreshMs` however many
 * misses wait for it, so that a client sending made-up session ids cannot turn into Redis
 * traffic.
 *
 * Entries carry their own expiry (a field of a hash has no TTL before Redis 7.4): a node that
 * died without removing its entry is ignored once it expires, and removed by whoever sees it.
 */
import type { CommandRunner } from '../redis-clients.js';

export interface NodeDirectoryConfig {
  key: string;
  tag: string;
  url: string;
  heartbeatInterval: number;
  /** Least time between two re-reads caused by unknown tags. */
  missRefreshMs: number;
  onError: (error: unknown) => void;
}

/** An entry outlives three missed heartbeats. */
const ENTRY_LIFETIME_HEARTBEATS = 3;

export class NodeDirectory {
  readonly #run: CommandRunner;
  readonly #config: NodeDirectoryConfig;
  readonly #urls = new Map<string, string>();
  #refreshing: Promise<void> | undefined;
  #nextRefresh: Promise<void> | undefined;
  #lastRefresh = 0;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  /** Redis commands sent so far (for measurements). */
  commands = 0;

  constructor(run: CommandRunner, config: NodeDirectoryConfig) {
    this.#run = run;
    this.#config = config;
  }

  /** Announces this node and reads the others; then keeps doing so every heartbeat. */
  async start(): Promise<void> {
    await this.#heartbeat();
    this.#timer = setInterval(() => {
      this.#heartbeat().catch(this.#config.onError);
    }, this.#config.heartbeatInterval);
    this.#timer.unref();
  }

  /**
   * The URL of node `tag`: a string from the cache, or a promise when the cache must be re-read
   * first (resolving to undefined when no live node has that tag).
   */
  lookup(tag: string): string | Promise<string | undefined> {
    const url = this.#urls.get(tag);
    if (url !== undefined) return url;
    return this.#refreshAfterMiss().then(
      () => this.#urls.get(tag),
      (error: unknown) => {
        this.#config.onError(error);
        return undefined;
      },
    );
  }

  /**
   * The re-read that answers a miss: the one in flight, or one at least `missRefreshMs` after
   * the previous one. The misses meanwhile wait for it together (one timer for all of them).
   */
  #refreshAfterMiss(): Promise<void> {
    if (this.#refreshing !== undefined) return this.#refreshing;
    if (this.#nextRefresh === undefined) {
      const delay = Math.max(0, this.#lastRefresh + this.#config.missRefreshMs - Date.now());
      this.#nextRefresh = new Promise<void>((resolve) => setTimeout(resolve, delay)).then(() => {
        this.#nextRefresh = undefined;
        return this.#refresh();
      });
    }
    return this.#nextRefresh;
  }

  /** Stops the heartbeat and removes this node's entry; no command is sent after that one. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    const removed = this.#command(['HDEL', this.#key, this.#config.tag]);
    // The application closes its Redis client next, and waits for the commands in flight: a
    // re-read started later (a miss during shutdown) would hold that close open.
    this.#closed = true;
    await removed;
  }

  get #key(): string {
    return `${this.#config.key}-route-nodes`;
  }

  async #heartbeat(): Promise<void> {
    const { tag, url, heartbeatInterval } = this.#config;
    const lifetime = heartbeatInterval * ENTRY_LIFETIME_HEARTBEATS;
    // Sent together (node-redis pipelines commands issued in the same tick).
    const written = Promise.all([
      this.#command(['HSET', this.#key, tag, `${Date.now() + lifetime} ${url}`]),
      this.#command(['PEXPIRE', this.#key, String(lifetime)]),
    ]);
    await Promise.all([written, this.#refresh()]);
  }

  #refresh(): Promise<void> {
    this.#refreshing ??= this.#read().finally(() => {
      this.#refreshing = undefined;
      this.#lastRefresh = Date.now();
    });
    return this.#refreshing;
  }

  async #read(): Promise<void> {
    const entries = pairsOf(await this.#command(['HGETALL', this.#key]));
    const now = Date.now();
    const expired: string[] = [];
    this.#urls.clear();
    for (const [tag, value] of entries) {
      const space = value.indexOf(' ');
      const expiry = Number(value.slice(0, space));
      if (space < 0 || !(expiry > now)) expired.push(tag);
      else this.#urls.set(tag, value.slice(space + 1));
    }
    if (expired.length > 0) this.#command(['HDEL', this.#key, ...expired]).catch(this.#config.onError);
  }

  #command(args: string[]): Promise<unknown> {
    if (this.#closed) return Promise.resolve(undefined);
    this.commands++;
    // A client already closed may throw rather than reject.
    return Promise.resolve(args).then(this.#run);
  }
}

/** HGETALL's reply as pairs, whatever the protocol (RESP2 flat list, RESP3 map). */
function pairsOf(reply: unknown): Array<[string, string]> {
  if (Array.isArray(reply)) {
    const pairs: Array<[string, string]> = [];
    for (let i = 0; i + 1 < reply.length; i += 2) pairs.push([String(reply[i]), String(reply[i + 1])]);
    return pairs;
  }
  if (reply instanceof Map) return [...reply].map(([k, v]) => [String(k), String(v)]);
  if (typeof reply === 'object' && reply !== null) return Object.entries(reply).map(([k, v]) => [k, String(v)]);
  return [];
}
