/**
 * Cluster requests waiting for one answer per node (fetchSockets, socket ids, serverSideEmit).
 * A request completes when every node it waits for answered or is known to be gone, or when its
 * timeout elapses; either way the caller gets the answers received, never a hang.
 */
import type { NodeId } from './node-registry.js';

export interface RequestOutcome<R> {
  responses: R[];
  /** Nodes believed alive that did not answer in time (0 when the request completed). */
  missing: number;
  /** How many nodes the request waited for when it was sent. */
  expected: number;
}

interface PendingRequest {
  waiting: Set<NodeId>;
  responses: unknown[];
  expected: number;
  timer: NodeJS.Timeout;
  done: (outcome: RequestOutcome<unknown>) => void;
}

export class RequestTracker {
  readonly #prefix: string;
  readonly #pending = new Map<string, PendingRequest>();
  #sequence = 0;

  /** `prefix` makes request ids unique across nodes (the node id). */
  constructor(prefix: string) {
    this.#prefix = prefix;
  }

  /**
   * Opens a request to `nodes`. With no node to wait for, `done` runs at once and no id is
   * returned (there is nothing to send).
   */
  open<R>(nodes: Iterable<NodeId>, timeoutMs: number, done: (outcome: RequestOutcome<R>) => void): string | undefined {
    const waiting = new Set(nodes);
    if (waiting.size === 0) {
      done({ responses: [], missing: 0, expected: 0 });
      return undefined;
    }
    const id = `${this.#prefix}:${(this.#sequence++).toString(36)}`;
    const timer = setTimeout(() => this.#finish(id), timeoutMs);
    timer.unref();
    this.#pending.set(id, {
      waiting,
      responses: [],
      expected: waiting.size,
      timer,
      done: done as (outcome: RequestOutcome<unknown>) => void,
    });
    return id;
  }

  /** An answer from `node`; ignored when unexpected (late, duplicate, or unknown request). */
  answer(id: string, node: NodeId, response: unknown): void {
    const request = this.#pending.get(id);
    if (request === undefined || !request.waiting.delete(node)) return;
    request.responses.push(response);
    if (request.waiting.size === 0) this.#finish(id);
  }

  /** A node is gone: no request waits for it any longer. */
  nodeGone(node: NodeId): void {
    for (const [id, request] of this.#pending) {
      if (request.waiting.delete(node) && request.waiting.size === 0) this.#finish(id);
    }
  }

  /** Completes every request with what it has (the adapter is closing). */
  closeAll(): void {
    for (const id of [...this.#pending.keys()]) this.#finish(id);
  }

  get size(): number {
    return this.#pending.size;
  }

  #finish(id: string): void {
    const request = this.#pending.get(id);
    if (request === undefined) return;
    this.#pending.delete(id);
    clearTimeout(request.timer);
    request.done({ responses: request.responses, missing: request.waiting.size, expected: request.expected });
  }
}
