/**
 * One flush scheduling mechanism for every session: a session that queues packets marks itself
 * dirty, and all dirty sessions flush together in one `setImmediate`. Packets queued during one
 * event-loop turn (including those queued while handling a batch of incoming I/O) therefore
 * leave as one polling response or one corked socket write, and there is no closure per message.
 */
import { createLogger } from './debug.js';

export interface Flushable {
  /** Writes whatever is queued, if the transport can take it. Must not throw. */
  flushNow(): void;
}

const debug = createLogger('parley:engine:flush');
const dirty = new Set<Flushable>();
let scheduled = false;
/**
 * The real `setImmediate`, taken when this module loads. The flush is shared by every server in
 * the process: had an application's test faked timers (`vi.useFakeTimers()`, sinon) while a
 * flush was being scheduled and restored them without running it, `scheduled` would stay set
 * and no server in the process would write again. socket.io writes without timers, so its
 * users' tests fake them freely.
 */
const scheduleImmediate = globalThis.setImmediate;

function flushDirty(): void {
  scheduled = false;
  // A session flushed here may queue more (e.g. a callback sending a reply): it is visited again
  // in this same pass because Set iteration sees entries added during iteration.
  for (const target of dirty) {
    dirty.delete(target);
    try {
      target.flushNow();
    } catch (err) {
      debug('flush failed: %O', err);
    }
  }
}

/** Marks `target` to be flushed at the end of the current event-loop turn. */
export function scheduleFlush(target: Flushable): void {
  dirty.add(target);
  if (!scheduled) {
    scheduled = true;
    scheduleImmediate(flushDirty);
  }
}

/** Forgets `target` (a closed session). */
export function cancelFlush(target: Flushable): void {
  dirty.delete(target);
}
