/**
 * Every connection the load generator opened during a run, so that `reset` can close all of
 * them (and wait until their descriptors are released) before the next run starts.
 */
import { setTimeout as delay } from 'node:timers/promises';

export interface Closable {
  /** Closes the connection now and resolves once it is fully closed. */
  close(): Promise<void>;
}

export class HeldConnections {
  #held = new Set<Closable>();
  #closing = false;
  /** Connections that closed while the run still needed them (server dropped them). */
  dropped = 0;

  add(connection: Closable): void {
    this.#held.add(connection);
  }

  /** Called by a connection that closed on its own. */
  onUnexpectedClose(connection: Closable): void {
    if (this.#closing || !this.#held.has(connection)) return;
    this.#held.delete(connection);
    this.dropped++;
  }

  get size(): number {
    return this.#held.size;
  }

  async closeAll(timeoutMs: number): Promise<number> {
    this.#closing = true;
    const connections = [...this.#held];
    this.#held.clear();
    const closed = Promise.all(connections.map((connection) => connection.close()));
    await Promise.race([closed, delay(timeoutMs)]);
    this.#closing = false;
    this.dropped = 0;
    return connections.length;
  }
}
