/**
 * A TCP proxy for tests that can stall the network: `stall()` stops forwarding in both directions
 * while every connection stays open (what a dead Wi-Fi link or a stuck middlebox looks like to both
 * ends), and connections opened meanwhile are accepted but not forwarded either. `resume()` lets
 * everything held back through, in order.
 */
import net from 'node:net';

export class StallProxy {
  readonly #server = net.createServer((client) => this.#accept(client));
  readonly #sockets = new Set<net.Socket>();
  readonly #targetPort: number;
  #stalled = false;

  constructor(targetPort: number) {
    this.#targetPort = targetPort;
  }

  /** Listens on 127.0.0.1 at a free port; resolves with it. */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(0, '127.0.0.1', () => resolve((this.#server.address() as net.AddressInfo).port));
    });
  }

  get stalled(): boolean {
    return this.#stalled;
  }

  stall(): void {
    this.#stalled = true;
    for (const socket of this.#sockets) socket.pause();
  }

  resume(): void {
    this.#stalled = false;
    for (const socket of this.#sockets) socket.resume();
  }

  close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  #accept(client: net.Socket): void {
    const upstream = net.connect(this.#targetPort, '127.0.0.1');
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ]) {
      this.#sockets.add(from);
      // Paused sockets emit no 'data': the bytes wait in the kernel, and TCP's window holds the sender.
      if (this.#stalled) from.pause();
      from.on('data', (chunk) => to.write(chunk));
      from.on('end', () => to.end());
      from.on('error', () => to.destroy());
      from.on('close', () => {
        this.#sockets.delete(from);
        to.destroy();
      });
    }
  }
}
