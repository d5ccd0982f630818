/**
 * Broadcasts with acknowledgement sent to other nodes. Each node first reports how many of its
 * clients the packet reached, then forwards every client's answer. A node that is gone, or that
 * does not report its count within the count deadline, is reported as having reached 0 clients,
 * so the emitter's callback never waits for a dead node.
 */
import type { NodeId } from './node-registry.js';

interface PendingAck {
  uncounted: Set<NodeId>;
  clientCount: (count: number) => void;
  ack: (response: unknown) => void;
  expectedAcks: number;
  receivedAcks: number;
  countTimer: NodeJS.Timeout | undefined;
  retentionTimer: NodeJS.Timeout;
}

export interface AckTimings {
  /** How long a node may take to report its client count. */
  countDeadlineMs: number;
  /** How long answers are collected at most (the emit's `timeout(ms)`, or a cap). */
  retentionMs: number;
}

export class AckTracker {
  readonly #pending = new Map<string, PendingAck>();

  open(
    id: string,
    nodes: Iterable<NodeId>,
    timings: AckTimings,
    clientCount: (count: number) => void,
    ack: (response: unknown) => void,
  ): void {
    const uncounted = new Set(nodes);
    if (uncounted.size === 0) return;
    const countTimer = setTimeout(() => this.#countDeadline(id), timings.countDeadlineMs);
    const retentionTimer = setTimeout(() => this.#drop(id), timings.retentionMs);
    countTimer.unref();
    retentionTimer.unref();
    this.#pending.set(id, {
      uncounted,
      clientCount,
      ack,
      expectedAcks: 0,
      receivedAcks: 0,
      countTimer,
      retentionTimer,
    });
  }

  /** `node` reached `count` clients. */
  counted(id: string, node: NodeId, count: number): void {
    const pending = this.#pending.get(id);
    if (pending === undefined || !pending.uncounted.delete(node)) return;
    pending.expectedAcks += count;
    pending.clientCount(count);
    this.#settle(id, pending);
  }

  /** One client's answer, forwarded by the node it is connected to. */
  answered(id: string, response: unknown): void {
    const pending = this.#pending.get(id);
    if (pending === undefined) return;
    pending.receivedAcks++;
    pending.ack(response);
    this.#settle(id, pending);
  }

  nodeGone(node: NodeId): void {
    for (const [id, pending] of this.#pending) {
      if (pending.uncounted.delete(node)) {
        pending.clientCount(0);
        this.#settle(id, pending);
      }
    }
  }

  /** Reports 0 for every node that has not counted yet and forgets every broadcast. */
  closeAll(): void {
    for (const id of [...this.#pending.keys()]) {
      this.#countDeadline(id);
      this.#drop(id);
    }
  }

  get size(): number {
    return this.#pending.size;
  }

  #countDeadline(id: string): void {
    const pending = this.#pending.get(id);
    if (pending === undefined) return;
    pending.countTimer = undefined;
    const silent = [...pending.uncounted];
    pending.uncounted.clear();
    for (const _ of silent) pending.clientCount(0);
    this.#settle(id, pending);
  }

  // Complete once every node counted and every counted client answered.
  #settle(id: string, pending: PendingAck): void {
    if (pending.uncounted.size === 0 && pending.receivedAcks >= pending.expectedAcks) this.#drop(id);
  }

  #drop(id: string): void {
    const pending = this.#pending.get(id);
    if (pending === undefined) return;
    this.#pending.delete(id);
    if (pending.countTimer !== undefined) clearTimeout(pending.countTimer);
    clearTimeout(pending.retentionTimer);
  }
}
