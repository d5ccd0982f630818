/**
 * Graceful drain before a deploy: the node stops taking connections, sends its clients away a
 * few at a time over `jitterMs` (so that thousands of them do not all reconnect in the same
 * second), and resolves once every client has left. Each client reconnects through the load
 * balancer to another node and, with connection state recovery on, recovers its session there
 * (a session closed this way is stored like any dropped connection: reason `forced close`).
 *
 * @example
 * process.on('SIGTERM', async () => {
 *   await drain(io, { jitterMs: 10_000 });
 *   await io.close();
 *   await Promise.all([pubClient.quit(), subClient.quit()]);
 * });
 */
import type { EventEmitter } from 'node:events';
import { RedisAdapterError } from './errors.js';

export interface DrainOptions {
  /** The disconnections are spread over this many milliseconds. Default 10000. */
  jitterMs?: number;
  /**
   * Clients still connected this long after the drain started are closed at once (a client that
   * ignores the close must not hold the deploy). Default `jitterMs + 10000`.
   */
  timeoutMs?: number;
}

/** A client session as the drain uses it (Parley's and engine.io's sessions both fit). */
interface DrainableConnection extends EventEmitter {
  readonly readyState: string;
  close(): void;
}

/** What the drain needs of a server (`@parley/server`'s `Server`; socket.io's fits too). */
export interface DrainableServer {
  readonly httpServer?: { close(callback?: (err?: Error) => void): unknown } | undefined;
  readonly engine: EventEmitter & { readonly clients: ReadonlyMap<string, DrainableConnection> | object };
}

// The disconnections go out in slices, one slice per tick of a single timer.
const TICK_MS = 50;

/** Sends every client of `io` away, spread over `jitterMs`; resolves once they are all gone. */
export function drain(io: DrainableServer, options: DrainOptions = {}): Promise<void> {
  const jitterMs = options.jitterMs ?? 10_000;
  const timeoutMs = options.timeoutMs ?? jitterMs + 10_000;
  if (!(Number.isFinite(jitterMs) && jitterMs >= 0 && Number.isFinite(timeoutMs) && timeoutMs >= 0)) {
    throw new RedisAdapterError('INVALID_OPTION', 'jitterMs and timeoutMs must be non-negative numbers');
  }
  // No new TCP connection: the balancer's next attempt goes to another node.
  io.httpServer?.close(() => {});
  const engine = io.engine;
  const open = new Set<DrainableConnection>();
  const pending = shuffle(connectionsOf(engine).filter((conn) => conn.readyState === 'open'));
  return new Promise<void>((resolve) => {
    const finish = () => {
      if (open.size > 0 || pending.length > 0) return;
      clearInterval(ticker);
      clearTimeout(deadline);
      engine.off('connection', onNewcomer);
      resolve();
    };
    const track = (conn: DrainableConnection) => {
      open.add(conn);
      conn.once('close', () => {
        open.delete(conn);
        finish();
      });
    };
    // Over a keep-alive connection a client may still open a session: it is sent away at once.
    const onNewcomer = (conn: DrainableConnection) => {
      track(conn);
      conn.close();
    };
    for (const conn of pending) track(conn);
    engine.on('connection', onNewcomer);
    // Tick k closes the first k/ticks of the shuffled list: an even spread over jitterMs.
    const total = pending.length;
    const ticks = Math.max(1, Math.floor(jitterMs / TICK_MS));
    let tick = 0;
    const ticker = setInterval(() => {
      tick++;
      const due = Math.ceil((total * tick) / ticks) - (total - pending.length);
      for (const conn of pending.splice(0, Math.max(0, due))) conn.close();
      finish();
    }, TICK_MS);
    const deadline = setTimeout(() => {
      for (const conn of [...pending.splice(0), ...open]) conn.close();
      open.clear();
      finish();
    }, timeoutMs);
    finish();
  });
}

function connectionsOf(engine: DrainableServer['engine']): DrainableConnection[] {
  const clients = engine.clients;
  return clients instanceof Map ? [...clients.values()] : (Object.values(clients) as DrainableConnection[]);
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}
