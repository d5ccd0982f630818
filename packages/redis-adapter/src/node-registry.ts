/**
 * The other nodes serving a namespace, as learnt from their messages. Every message a node sends
 * (heartbeats included) is a sign of life; a node silent for longer than the timeout is dropped,
 * so requests stop waiting for it. Time comes from an injectable clock for tests.
 */
export type NodeId = string;

export class NodeRegistry {
  readonly #timeoutMs: number;
  readonly #now: () => number;
  readonly #lastSeen = new Map<NodeId, number>();

  constructor(timeoutMs: number, now: () => number = Date.now) {
    this.#timeoutMs = timeoutMs;
    this.#now = now;
  }

  /** Records a sign of life; true when the node was not known. */
  touch(id: NodeId): boolean {
    const known = this.#lastSeen.has(id);
    this.#lastSeen.set(id, this.#now());
    return !known;
  }

  /** Forgets a node (it said goodbye); true when it was known. */
  remove(id: NodeId): boolean {
    return this.#lastSeen.delete(id);
  }

  /** Drops the nodes not heard from within the timeout and returns their ids. */
  sweep(): NodeId[] {
    const threshold = this.#now() - this.#timeoutMs;
    const dropped: NodeId[] = [];
    for (const [id, seen] of this.#lastSeen) {
      if (seen < threshold) {
        this.#lastSeen.delete(id);
        dropped.push(id);
      }
    }
    return dropped;
  }

  has(id: NodeId): boolean {
    return this.#lastSeen.has(id);
  }

  get size(): number {
    return this.#lastSeen.size;
  }

  ids(): NodeId[] {
    return [...this.#lastSeen.keys()];
  }

  /** Forgets every node and returns their ids (e.g. when Redis is unreachable). */
  clear(): NodeId[] {
    const ids = this.ids();
    this.#lastSeen.clear();
    return ids;
  }
}
