/**
 * The hand-off between the replay of a recovered session and live delivery, so that a
 * recovered client gets every broadcast exactly once.
 *
 * Why it is needed: a restore reads the stream up to some entry U (its XRANGE), while live
 * broadcasts keep arriving over pub/sub, where a broadcast lands a little after its XADD. So
 * - a broadcast logged before the XRANGE may arrive live *after* the socket joined its rooms:
 *   without a filter the client gets it twice (replayed, then live);
 * - a broadcast logged after the XRANGE may arrive live *before* the socket joined: without a
 *   recording the client never gets it.
 *
 * What it does: from the start of a restore until the restored socket joins its rooms, every
 * live broadcast of this node is recorded; the ones the replay did not include (offset past U)
 * are appended to the missed packets, which the server writes right after the join (as socket.io
 * does). After the join, live deliveries of offsets the socket already got are skipped for a
 * while (`STRAGGLER_WINDOW_MS` of stream time: a pub/sub message is not that late).
 */
import type { BroadcastOptions, RestoredSession, Room, SocketId } from '@parley/server';
import { reaches } from './session-store.js';

/** A live broadcast with its stream offset (its data already ends with the offset). */
export interface LiveEntry {
  offset: string;
  data: unknown[];
  opts: BroadcastOptions;
}

// A restore whose socket never joins (refused by a middleware, connection gone) stops
// recording after this long.
const PENDING_LIMIT_MS = 30_000;
const STRAGGLER_WINDOW_MS = 10_000;

export interface Recording {
  /** Index in the shared log of the first entry this restore must look at. */
  from: number;
  startedAt: number;
  pending?: PendingJoin;
}

interface PendingJoin {
  rooms: Set<Room>;
  missed: unknown[][];
  delivered: Delivered;
}

/** What a restored socket already got: stream entries up to `upTo`, plus `extra` after it. */
interface Delivered {
  upTo: StreamId;
  extra: Set<string>;
}

type StreamId = readonly [number, number];

export class RestoreHandoff {
  // Live entries since the oldest running recording (empty when nothing is being restored).
  #log: LiveEntry[] = [];
  #logBase = 0;
  readonly #recordings = new Set<Recording>();
  readonly #pendingJoins = new Map<SocketId, Recording>();
  readonly #delivered = new Map<SocketId, Delivered>();
  // Bounds over every entry of #delivered, so that live broadcasts past them (all of them but a
  // few right after a restore) are checked in constant time.
  #highestUpTo: StreamId | undefined;
  readonly #extras = new Set<string>();

  /** Starts recording live broadcasts, before the restore reads anything. */
  begin(): Recording {
    const recording: Recording = { from: this.#logBase + this.#log.length, startedAt: Date.now() };
    this.#recordings.add(recording);
    return recording;
  }

  /** The restore failed: nothing to hand off. */
  abort(recording: Recording): void {
    this.#end(recording);
  }

  /**
   * The stream was read up to `upTo` into `session.missedPackets`: adds the recorded live
   * broadcasts it missed, and keeps recording until the socket joins (see {@link joined}).
   */
  restored(recording: Recording, session: RestoredSession, offset: string, upTo: string): void {
    const bound = parse(upTo);
    const floor = parse(offset);
    const delivered: Delivered = { upTo: compare(bound, floor) > 0 ? bound : floor, extra: new Set() };
    const pending: PendingJoin = { rooms: new Set(session.rooms), missed: session.missedPackets, delivered };
    recording.pending = pending;
    this.#collect(recording, pending);
    const previous = this.#pendingJoins.get(session.sid);
    if (previous !== undefined) this.#end(previous);
    this.#pendingJoins.set(session.sid, recording);
  }

  /**
   * The socket `sid` joined its rooms; the server writes its missed packets next. Appends what
   * arrived live meanwhile and starts filtering late duplicates.
   */
  joined(sid: SocketId): void {
    if (this.#pendingJoins.size === 0) return;
    const recording = this.#pendingJoins.get(sid);
    if (recording?.pending === undefined) return;
    this.#pendingJoins.delete(sid);
    this.#collect(recording, recording.pending);
    this.#end(recording);
    const { delivered } = recording.pending;
    this.#delivered.set(sid, delivered);
    for (const offset of delivered.extra) this.#extras.add(offset);
    if (this.#highestUpTo === undefined || compare(delivered.upTo, this.#highestUpTo) > 0) {
      this.#highestUpTo = delivered.upTo;
    }
  }

  /** The socket left: nothing more to filter for it. */
  forget(sid: SocketId): void {
    if (this.#delivered.delete(sid) && this.#delivered.size === 0) {
      this.#extras.clear();
      this.#highestUpTo = undefined;
    }
    const recording = this.#pendingJoins.get(sid);
    if (recording !== undefined) {
      this.#pendingJoins.delete(sid);
      this.#end(recording);
    }
  }

  /**
   * A live broadcast with an offset is about to reach this node's sockets: records it for the
   * restores in progress, and returns the restored sockets that already got it (undefined when
   * none: the common case, checked in constant time).
   */
  live(entry: LiveEntry): Set<Room> | undefined {
    if (this.#recordings.size > 0) this.#record(entry);
    if (this.#delivered.size === 0) return undefined;
    const id = parse(entry.offset);
    const highest = this.#highestUpTo;
    if (highest !== undefined && id[0] > highest[0] + STRAGGLER_WINDOW_MS) {
      // Every restored socket's duplicates would have arrived by now.
      this.#delivered.clear();
      this.#extras.clear();
      this.#highestUpTo = undefined;
      return undefined;
    }
    if (highest !== undefined && compare(id, highest) > 0 && !this.#extras.has(entry.offset)) return undefined;
    let skip: Set<Room> | undefined;
    for (const [sid, delivered] of this.#delivered) {
      if (compare(id, delivered.upTo) <= 0 || delivered.extra.has(entry.offset)) {
        skip ??= new Set();
        skip.add(sid);
      }
    }
    return skip;
  }

  #record(entry: LiveEntry): void {
    // A restore whose socket never joined must not keep the log growing.
    const [oldest] = this.#recordings;
    if (oldest !== undefined && Date.now() - oldest.startedAt > PENDING_LIMIT_MS) {
      for (const [sid, recording] of this.#pendingJoins) if (recording === oldest) this.#pendingJoins.delete(sid);
      this.#end(oldest);
      if (this.#recordings.size === 0) return;
    }
    this.#log.push(entry);
  }

  // Appends the recorded entries the client has not got yet, in arrival order (the order every
  // other client saw them in).
  #collect(recording: Recording, pending: PendingJoin): void {
    const start = recording.from - this.#logBase;
    const { delivered } = pending;
    for (let i = Math.max(0, start); i < this.#log.length; i++) {
      const entry = this.#log[i];
      if (delivered.extra.has(entry.offset) || compare(parse(entry.offset), delivered.upTo) <= 0) continue;
      if (!reaches(pending.rooms, entry.opts)) continue;
      delivered.extra.add(entry.offset);
      pending.missed.push(entry.data);
    }
    recording.from = this.#logBase + this.#log.length;
  }

  #end(recording: Recording): void {
    if (!this.#recordings.delete(recording)) return;
    // Drop the log entries no running recording needs any more.
    let needed = this.#logBase + this.#log.length;
    for (const other of this.#recordings) if (other.from < needed) needed = other.from;
    const drop = needed - this.#logBase;
    if (drop > 0) {
      this.#log = drop >= this.#log.length ? [] : this.#log.slice(drop);
      this.#logBase = needed;
    }
  }
}

/** `<milliseconds>-<sequence>`, as Redis Stream ids (validated before they get here). */
function parse(offset: string): StreamId {
  const dash = offset.indexOf('-');
  return [Number(offset.slice(0, dash)), Number(offset.slice(dash + 1))];
}

function compare(a: StreamId, b: StreamId): number {
  return a[0] !== b[0] ? a[0] - b[0] : a[1] - b[1];
}
