/**
 * What every transport offers a session, and what it reports back. A transport reports to one
 * owner at a time: the session, or an upgrade attempt while it is being probed.
 */
import type { EnginePacket } from '@parley/protocol';
import type { EngineProtocol } from '../eio3/revision.js';
import type { TransportName } from '../options.js';
import type { OutboundPacket } from '../packet.js';

/**
 * Why a transport gave up, in engine.io's words: `'transport close'` (the peer closed the
 * connection), `'transport error'` (a failure, a request cut short, a message over
 * maxHttpBufferSize), `'parse error'` (undecodable input).
 */
export type TransportFailure = 'transport close' | 'transport error' | 'parse error';

export interface TransportOwner {
  /** A decoded packet from the peer. */
  onTransportPacket(packet: EnginePacket): void;
  /** The transport is unusable; `error` says why (also for a peer that left). */
  onTransportFailure(reason: TransportFailure, error?: Error): void;
  /** The transport can take packets again (a GET arrived, a socket drained). */
  onTransportWritable(): void;
}

export type TransportState = 'open' | 'closing' | 'closed';

export abstract class Transport {
  abstract readonly name: TransportName;
  owner: TransportOwner;
  protected state: TransportState = 'open';

  /**
   * The Engine.IO revision it frames packets for (3 only for `allowEIO3` clients). A getter,
   * not a field: sessions are many and this costs them no memory.
   */
  get protocol(): EngineProtocol {
    return 4;
  }

  constructor(owner: TransportOwner) {
    this.owner = owner;
  }

  get readyState(): TransportState {
    return this.state;
  }

  /** True when {@link send} would write now (rather than the session keeping packets queued). */
  abstract get writable(): boolean;

  /**
   * Writes `packets`, or as many of them as one response may carry (polling bounds its
   * response size), and returns how many it took; the session keeps the rest for the next time
   * the transport is writable. The array is read synchronously and not kept. `onWritten` is
   * called once the bytes are handed to the network, and only when every packet was taken.
   */
  abstract send(packets: readonly OutboundPacket[], compress: boolean, onWritten?: () => void): number;

  /** Bytes handed to the transport and not yet to the network (0 for a transport that keeps none). */
  get bufferedBytes(): number {
    return 0;
  }

  /**
   * Drops the connection at once, buffered bytes included: the peer stopped reading. The
   * default is {@link discard}, for transports that buffer nothing of their own.
   */
  destroy(): void {
    this.discard();
  }

  /** Closes gracefully (telling the peer when the transport has a way to); `done` once closed. */
  abstract close(done?: () => void): void;

  /** Drops the transport at once, e.g. after an upgrade made it stale. */
  abstract discard(): void;

  /**
   * The peer sent a CLOSE packet: a request the transport holds open (a pending poll) is
   * answered with a NOOP, as engine.io does, before the session shuts the transport down.
   */
  releaseHeldRequest(): void {}

  /**
   * The session is gone: tell the peer right away if the transport can (a pending poll gets
   * `1`, a WebSocket a close frame), then release everything. Idempotent.
   */
  abstract shutdown(): void;
}

/** The owner of a transport nobody listens to (not yet given to a session, or stale): reports are ignored. */
export const DETACHED: TransportOwner = {
  onTransportPacket() {},
  onTransportFailure() {},
  onTransportWritable() {},
};
