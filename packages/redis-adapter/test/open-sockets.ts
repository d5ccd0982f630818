/**
 * What the test balancers share: the connections they hold open, cut all at once on close, and
 * listening on a free loopback port.
 */
import type { Server } from 'node:net';
import type { Duplex } from 'node:stream';

export class OpenSockets {
  readonly #sockets = new Set<Duplex>();

  /** Holds `socket` until it closes. */
  track(socket: Duplex): void {
    if (this.#sockets.has(socket)) return;
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
  }

  /** Cuts every held connection, then closes `server`. */
  async closeServer(server: Server): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** Listens on a free loopback port; resolves with it. */
export async function listenOnLoopback(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}
