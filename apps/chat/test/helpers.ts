import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Socket as ClientSocket, io as connect } from 'socket.io-client';
import { type ChatServer, type ChatServerOptions, startChatServer } from '../src/app.js';
import type { RealtimeServer } from '../src/realtime.js';
import { SqliteStore } from '../src/store/index.js';

/** A fresh directory under the OS temp dir, removed by the returned cleanup. */
export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export interface ClientOptions {
  reconnection?: boolean;
  /** Default: WebSocket only. */
  transports?: ('polling' | 'websocket')[];
  /** Extra handshake headers, e.g. Origin or X-Forwarded-For. */
  headers?: Record<string, string>;
}

const USERNAME = /^[A-Za-z0-9_.-]{2,24}$/;
export const TEST_PASSWORD = 'correct horse battery';

/** Signs up `username` (or signs in when it exists) and returns the `name=value` of its cookie. */
export async function sessionCookieFor(url: string, username: string, password = TEST_PASSWORD): Promise<string> {
  for (const route of ['signup', 'login']) {
    const res = await fetch(`${url}/api/${route}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    if (res.ok) return (res.headers.get('set-cookie') ?? '').split(';', 1)[0];
    if (res.status !== 409) throw new Error(`${route} as ${username} failed: ${res.status} ${await res.text()}`);
  }
  throw new Error(`could not sign in as ${username}`);
}

/** A distinct documentation-range address per call, for X-Forwarded-For. */
let nextAddress = 0;
export function uniqueAddress(): string {
  nextAddress++;
  return `198.51.${(nextAddress >> 8) & 255}.${nextAddress & 255}`;
}

/** Collects servers, stores, clients and directories to close after each test. */
export class Harness {
  readonly #cleanups: (() => unknown)[] = [];

  defer(cleanup: () => unknown): void {
    this.#cleanups.push(cleanup);
  }

  async startServer(
    options: Omit<Partial<ChatServerOptions>, 'store' | 'port' | 'host'> = {},
  ): Promise<{ server: ChatServer; store: SqliteStore; url: string }> {
    const tmp = tempDir('parley-chat-');
    this.defer(() => tmp.remove());
    const store = new SqliteStore(path.join(tmp.dir, 'chat.db'));
    const server = await startChatServer({ ...options, store, port: 0, host: '127.0.0.1' });
    this.defer(() => server.close());
    return { server, store, url: `http://127.0.0.1:${server.port}` };
  }

  /**
   * A client signed in as the account `nick` (created on first use), connecting as soon as its
   * session cookie is there. A `nick` that cannot be a username connects without a session, with
   * the nickname in its auth (for servers started with `requireAccount: false`). A Cookie among
   * `options.headers` is used as is.
   */
  client(url: string, nick: unknown, options: ClientOptions = {}): ClientSocket {
    const signIn = typeof nick === 'string' && USERNAME.test(nick) && options.headers?.Cookie === undefined;
    const socket = connect(url, {
      auth: { nick },
      transports: options.transports ?? ['websocket'],
      reconnection: options.reconnection ?? false,
      forceNew: true,
      autoConnect: !signIn,
      ...(options.headers ? { extraHeaders: options.headers } : {}),
    });
    this.defer(() => socket.disconnect());
    if (signIn) {
      sessionCookieFor(url, nick).then(
        (cookie) => {
          socket.io.opts.extraHeaders = { ...options.headers, Cookie: cookie };
          socket.connect();
        },
        (err: unknown) => socket.emit('connect_error' as never, err as never),
      );
    }
    return socket;
  }

  /** Connects and resolves once connected (rejects on connect_error). */
  async connected(url: string, nick: string, options: ClientOptions = {}): Promise<ClientSocket> {
    const socket = this.client(url, nick, options);
    await once(socket, 'connect');
    return socket;
  }

  async closeAll(): Promise<void> {
    const cleanups = this.#cleanups.splice(0).reverse();
    for (const cleanup of cleanups) await cleanup();
  }
}

/**
 * Stands in for the accounts the chat does not have yet: an auth middleware that makes the
 * nickname the user id, so budgets are per user instead of per address (every test client shares
 * 127.0.0.1).
 */
export function nickAsUserId(io: RealtimeServer): void {
  io.use((socket, next) => {
    const nick = (socket.handshake.auth as { nick?: unknown }).nick;
    if (typeof nick === 'string') socket.data.userId = nick;
    next();
  });
}

/**
 * The one bounded wait of these tests. `watch(resolve, reject)` subscribes to what is awaited and
 * returns how to unsubscribe; the promise settles on the first call of either, or rejects with
 * `timedOut()` after `ms`, and the subscription is removed in every case.
 */
export function waitFor<T>(
  ms: number,
  timedOut: () => string,
  watch: (resolve: (value: T) => void, reject: (error: Error) => void) => () => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let unsubscribe: (() => void) | undefined;
    const settle = (finish: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      unsubscribe?.();
      finish();
    };
    const timer = setTimeout(() => settle(() => reject(new Error(timedOut()))), ms);
    const stop = watch(
      (value) => settle(() => resolve(value)),
      (error) => settle(() => reject(error)),
    );
    // `watch` may have settled at once, before its unsubscribe existed.
    if (settled) stop();
    else unsubscribe = stop;
  });
}

/** Resolves with the first arguments of `event`; rejects on connect_error or after `ms`. */
export function once<T = unknown>(socket: ClientSocket, event: string, ms = 10_000): Promise<T> {
  return waitFor<T>(
    ms,
    () => `Timed out waiting for "${event}"`,
    (resolve, reject) => {
      socket.on(event, resolve);
      if (event !== 'connect_error') socket.on('connect_error', reject);
      return () => {
        socket.off(event, resolve);
        if (event !== 'connect_error') socket.off('connect_error', reject);
      };
    },
  );
}

/** Waits until `predicate` holds over the events received so far (and those still to come). */
export function collect<T>(
  socket: ClientSocket,
  event: string,
): { items: T[]; until(predicate: (items: T[]) => boolean, ms?: number): Promise<T[]> } {
  const items: T[] = [];
  const waiters = new Set<() => void>();
  socket.on(event, (value: T) => {
    items.push(value);
    for (const wake of waiters) wake();
  });
  return {
    items,
    until(predicate, ms = 10_000) {
      return waitFor(
        ms,
        () => `Timed out waiting for "${event}" events; got ${JSON.stringify(items).slice(0, 500)}`,
        (resolve) => {
          const check = () => {
            if (predicate(items)) resolve(items);
          };
          waiters.add(check);
          check();
          return () => waiters.delete(check);
        },
      );
    },
  };
}

/** Sends a request event and resolves with the ack (bounded). */
export function request<T = Record<string, unknown>>(
  socket: ClientSocket,
  event: string,
  ...args: unknown[]
): Promise<T> {
  return socket.timeout(10_000).emitWithAck(event, ...args) as Promise<T>;
}
