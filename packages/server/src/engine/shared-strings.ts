/**
 * One copy of the header values that thousands of sessions repeat.
 *
 * A session keeps its handshake's headers for its whole life (`socket.handshake.headers`), and
 * the HTTP parser makes a fresh string for every value of every request: ten thousand clients
 * of one browser keep ten thousand copies of the same `user-agent`, `host`, `origin` and
 * `sec-websocket-extensions`. Strings are immutable, so handing out one shared copy changes
 * nothing an application can see.
 *
 * Only headers whose values commonly repeat are pooled: secrets and per-request values
 * (cookies, authorization, WebSocket keys) are never kept beyond their session. The pool is
 * bounded; when it is full it starts over, so values that stop being seen are let go.
 */
const POOLED_HEADERS = new Set([
  'host',
  'connection',
  'upgrade',
  'origin',
  'user-agent',
  'accept',
  'accept-encoding',
  'accept-language',
  'cache-control',
  'pragma',
  'sec-websocket-version',
  'sec-websocket-extensions',
  'sec-fetch-dest',
  'sec-fetch-mode',
  'sec-fetch-site',
  'sec-ch-ua',
  'sec-ch-ua-mobile',
  'sec-ch-ua-platform',
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-forwarded-port',
]);

/** Values longer than this are unlikely to repeat; they are left alone. */
const MAX_POOLED_LENGTH = 512;
const MAX_POOL_SIZE = 1024;

export class SharedStrings {
  readonly #pool = new Map<string, string>();

  /** How many values are pooled. */
  get size(): number {
    return this.#pool.size;
  }

  /** The shared copy of `value`, which becomes the shared copy when first seen. */
  share(value: string): string {
    if (value.length > MAX_POOLED_LENGTH) return value;
    const shared = this.#pool.get(value);
    if (shared !== undefined) return shared;
    if (this.#pool.size >= MAX_POOL_SIZE) this.#pool.clear();
    this.#pool.set(value, value);
    return value;
  }

  /** Replaces the repeating values of `headers` with their shared copies, in place. */
  shareHeaders(headers: Record<string, string | string[] | undefined>): void {
    for (const name in headers) {
      const value = headers[name];
      if (typeof value === 'string' && POOLED_HEADERS.has(name)) headers[name] = this.share(value);
    }
  }
}
