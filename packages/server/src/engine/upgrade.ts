/**
 * One attempt to move a session to WebSocket: the probe transport answers `2probe` with `3probe`,
 * and the switch happens when the client sends `5` (upgrade). Anything else on the probe, its
 * failure, or `upgradeTimeout` passing ends the attempt; the session keeps its transport.
 */
import type { EnginePacket } from '@parley/protocol';
import { PONG_PROBE } from './packet.js';
import type { Transport, TransportOwner } from './transports/transport.js';

export interface UpgradeHooks {
  /** The probe was answered: the session should release its pending poll. */
  onProbe(): void;
  /** The client committed: the session should switch to the probe transport. */
  onUpgrade(): void;
  /** The attempt ended without an upgrade. */
  onFailed(): void;
}

export class UpgradeAttempt implements TransportOwner {
  readonly transport: Transport;
  readonly #hooks: UpgradeHooks;
  readonly #timer: ReturnType<typeof setTimeout>;
  #probed = false;
  #settled = false;

  constructor(transport: Transport, hooks: UpgradeHooks, timeout: number) {
    this.transport = transport;
    this.#hooks = hooks;
    transport.owner = this;
    this.#timer = setTimeout(() => this.#fail(), timeout);
    this.#timer.unref();
  }

  /** True once `2probe` has been answered. */
  get probed(): boolean {
    return this.#probed;
  }

  onTransportPacket(packet: EnginePacket): void {
    if (this.#settled) return;
    if (packet.type === 'ping' && packet.data === 'probe' && !this.#probed) {
      this.#probed = true;
      this.transport.send([PONG_PROBE], false);
      this.#hooks.onProbe();
      return;
    }
    if (packet.type === 'upgrade') {
      this.#settle();
      this.#hooks.onUpgrade();
      return;
    }
    this.#fail();
  }

  onTransportFailure(): void {
    this.#fail();
  }

  onTransportWritable(): void {}

  /** Ends the attempt from the session's side (it is closing). */
  cancel(): void {
    if (this.#settled) return;
    this.#settle();
    this.transport.shutdown();
  }

  #settle(): void {
    this.#settled = true;
    clearTimeout(this.#timer);
  }

  #fail(): void {
    if (this.#settled) return;
    this.#settle();
    this.transport.shutdown();
    this.#hooks.onFailed();
  }
}
