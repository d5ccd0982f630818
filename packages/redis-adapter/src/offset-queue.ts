/**
 * With connection state recovery, a broadcast's offset is the id Redis gives its stream entry,
 * known only once Redis answered. Broadcasts emitted meanwhile (with or without an offset) wait
 * in this queue, so every client still sees them in emit order.
 */
export class OffsetQueue {
  #pending = 0;
  #tail: Promise<void> = Promise.resolve();

  /** True when nothing waits: a broadcast without offset may then go out at once. */
  get idle(): boolean {
    return this.#pending === 0;
  }

  /** Calls `deliver` with the offset (undefined if none or failed) after every earlier entry. */
  enqueue(
    offset: Promise<string | undefined> | undefined,
    deliver: (offset: string | undefined) => void,
    onError: (error: unknown) => void,
  ): void {
    this.#pending++;
    this.#tail = this.#tail
      .then(() => offset)
      .then(
        (id) => {
          this.#pending--;
          deliver(id);
        },
        (error: unknown) => {
          this.#pending--;
          onError(error);
        },
      )
      .catch(onError);
  }
}
