/**
 * The acknowledgements a socket waits for, by ack id. Created on a socket's first emit with a
 * callback; a timer exists only for an emit made after `timeout(ms)`.
 */
import { AckTimeoutError } from '../errors.js';

// biome-ignore lint/suspicious/noExplicitAny: ack callbacks take any answer
export type AckCallback = (...args: any[]) => void;

export class PendingAcks {
  /** Exposed as `socket.acks`, where socket.io's adapters register broadcast acknowledgements. */
  readonly callbacks = new Map<number, AckCallback>();

  /** Waits for the answer to `id`; with `timeout`, `ack` becomes error-first and may time out. */
  expect(self: unknown, id: number, ack: AckCallback, timeout: number | undefined): void {
    if (timeout === undefined) {
      this.callbacks.set(id, ack);
      return;
    }
    const timer = setTimeout(() => {
      this.callbacks.delete(id);
      ack.call(self, new AckTimeoutError());
    }, timeout);
    this.callbacks.set(id, (...args: unknown[]) => {
      clearTimeout(timer);
      ack.call(self, null, ...args);
    });
  }

  /** Calls the callback waiting for `id` with the answer, once; unknown ids are ignored. */
  settle(self: unknown, id: number, args: unknown[]): void {
    const ack = this.callbacks.get(id);
    if (ack === undefined) return;
    this.callbacks.delete(id);
    ack.apply(self, args);
  }
}
