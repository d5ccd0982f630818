/**
 * Heartbeat deadlines shared by every session of a server, exact to the millisecond without a
 * timer per session.
 *
 * Every deadline of one kind is "now + the same delay" (pingInterval for the next ping,
 * pingTimeout for the awaited pong), so appending each new deadline at the tail of its kind's
 * list keeps the list sorted. One timer per list, armed for its head, then fires each deadline
 * on time, and (re)scheduling a session is an O(1) unlink and append. A session is in at most
 * one list at a time, so the links live on the session itself under symbol keys: no node object,
 * map entry or closure per session.
 *
 * The timer is not re-armed when the head leaves early (a pong arrived): it fires at the old
 * head's deadline, finds nothing due, and is armed for the new head. At most one spare wake-up
 * per period, instead of a clearTimeout/setTimeout pair per heartbeat.
 */

export const QUEUE = Symbol('parley.deadlineQueue');
export const PREV = Symbol('parley.deadlinePrev');
export const NEXT = Symbol('parley.deadlineNext');
export const DEADLINE = Symbol('parley.deadline');

export interface DeadlineTarget {
  /** Called once when the target's deadline passes (it is then in no list). */
  onDeadline(): void;
  /** Maintained by the queues (classes declare them, initialised to null/0, for a stable shape). */
  [QUEUE]: DeadlineQueue<this> | null;
  [PREV]: this | null;
  [NEXT]: this | null;
  [DEADLINE]: number;
}

/** Milliseconds on a monotonic clock (wall-clock jumps must not fire or stall heartbeats). */
export type Clock = () => number;

const monotonic: Clock = () => performance.now();

/** A FIFO of deadlines that are all "scheduling time + `delay`", driven by one timer. */
export class DeadlineQueue<T extends DeadlineTarget> {
  readonly delay: number;
  readonly #now: Clock;
  #head: T | null = null;
  #tail: T | null = null;
  #size = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** When the armed timer fires (monotonic ms). */
  #armedFor = 0;

  constructor(delay: number, now: Clock = monotonic) {
    this.delay = Math.max(0, delay);
    this.#now = now;
  }

  get size(): number {
    return this.#size;
  }

  /** Schedules `target` at now + delay, taking it out of whatever queue it was in. */
  push(target: T): void {
    unschedule(target);
    // Whole milliseconds: a small integer is stored in the target itself, where a fraction
    // would take a heap number per session (setTimeout has millisecond resolution anyway).
    const deadline = Math.ceil(this.#now() + this.delay);
    target[DEADLINE] = deadline;
    target[QUEUE] = this;
    target[PREV] = this.#tail;
    target[NEXT] = null;
    if (this.#tail === null) this.#head = target;
    else this.#tail[NEXT] = target;
    this.#tail = target;
    this.#size++;
    if (this.#timer === undefined) this.#arm(deadline);
  }

  /** @internal Unlinks `target` (use {@link unschedule}, which finds its queue). */
  remove(target: T): void {
    const prev = target[PREV];
    const next = target[NEXT];
    if (prev === null) this.#head = next;
    else prev[NEXT] = next;
    if (next === null) this.#tail = prev;
    else next[PREV] = prev;
    target[PREV] = null;
    target[NEXT] = null;
    target[QUEUE] = null;
    this.#size--;
  }

  /** Forgets every target and stops the timer. */
  clear(): void {
    while (this.#head !== null) this.remove(this.#head);
    this.#disarm();
  }

  /**
   * Fires every target due by `now` in deadline order (the timer calls this; tests may call it
   * with a fake clock). A target that throws does not cost the others their deadline: the first
   * error is rethrown after all have fired.
   */
  fire(now = this.#now()): void {
    this.#disarm();
    let failure: { error: unknown } | undefined;
    // Timers may wake a fraction of a millisecond before the monotonic deadline.
    const due = now + 1;
    let head = this.#head;
    while (head !== null && head[DEADLINE] <= due) {
      this.remove(head);
      try {
        head.onDeadline();
      } catch (error) {
        failure ??= { error };
      }
      head = this.#head;
    }
    if (head !== null && this.#timer === undefined) this.#arm(head[DEADLINE]);
    if (failure) throw failure.error;
  }

  #arm(deadline: number): void {
    this.#armedFor = deadline;
    this.#timer = setTimeout(fireQueue, Math.max(1, Math.ceil(deadline - this.#now())), this);
    this.#timer.unref();
  }

  #disarm(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** When the timer will next fire, if armed (for tests). */
  get armedFor(): number | undefined {
    return this.#timer === undefined ? undefined : this.#armedFor;
  }
}

/** Takes `target` out of its queue, if it is in one. */
export function unschedule<T extends DeadlineTarget>(target: T): void {
  target[QUEUE]?.remove(target);
}

function fireQueue(queue: DeadlineQueue<DeadlineTarget>): void {
  queue.fire();
}
