/**
 * The in-memory adapter plus connection state recovery: it keeps the sessions of sockets that
 * dropped and a log of the event packets broadcast since, so a client that comes back within
 * `maxDisconnectionDuration` gets its id, rooms and data back and the events it missed.
 */
import { randomBytes } from 'node:crypto';
import { PacketType, type SocketPacket } from '@parley/protocol';
import type { AnyNamespace } from '../namespace/namespace.js';
import { DEFAULT_MAX_DISCONNECTION_DURATION } from '../server-options.js';
import type { BroadcastOptions, PrivateSessionId, RestoredSession, Room, Session } from './adapter-types.js';
import { InMemoryAdapter } from './in-memory-adapter.js';

interface StoredSession extends Session {
  disconnectedAt: number;
}

interface LoggedPacket {
  opts: BroadcastOptions;
  data: unknown[];
  emittedAt: number;
}

// The log is pruned on an interval, not per packet: one timer per namespace, unref'd.
const PRUNE_INTERVAL_MS = 60_000;

export class SessionAwareAdapter extends InMemoryAdapter {
  readonly #maxDisconnectionDuration: number;
  readonly #sessions = new Map<PrivateSessionId, StoredSession>();
  // Offsets are `<prefix>.<sequence>`: the prefix tells this adapter's offsets from another
  // server's (or an earlier run's), the sequence finds the packet in O(1).
  readonly #prefix = randomBytes(6).toString('base64url');
  readonly #log: LoggedPacket[] = [];
  #firstSequence = 0;
  readonly #timer: NodeJS.Timeout;

  /**
   * `maxDisconnectionDuration` defaults to the server's `connectionStateRecovery` option, so the
   * class can be passed as `adapter` as socket.io's own SessionAwareAdapter can.
   */
  constructor(nsp: AnyNamespace, maxDisconnectionDuration?: number) {
    super(nsp);
    maxDisconnectionDuration ??= this.host.recovery?.maxDisconnectionDuration ?? DEFAULT_MAX_DISCONNECTION_DURATION;
    this.#maxDisconnectionDuration = maxDisconnectionDuration;
    this.#timer = setInterval(() => this.#prune(), Math.min(PRUNE_INTERVAL_MS, maxDisconnectionDuration));
    this.#timer.unref();
  }

  override close(): void {
    clearInterval(this.#timer);
  }

  override persistSession(session: Session): void {
    this.#sessions.set(session.pid, { ...session, disconnectedAt: Date.now() });
  }

  override restoreSession(pid: PrivateSessionId, offset: string): Promise<RestoredSession | null> {
    const session = this.#sessions.get(pid);
    if (session === undefined) return Promise.resolve(null);
    if (session.disconnectedAt + this.#maxDisconnectionDuration < Date.now()) {
      this.#sessions.delete(pid);
      return Promise.resolve(null);
    }
    // The session stays until it expires or the socket drops again (as in socket.io), so a client
    // whose restored connection a middleware refused recovers on its next attempt. Only one socket
    // may hold the id at a time, though: socket.io would restore a second one beside the first.
    if (this.host.sockets.has(session.sid)) return Promise.resolve(null);
    const index = this.#indexOf(offset);
    if (index === undefined) return Promise.resolve(null);
    const rooms = new Set(session.rooms);
    const missedPackets: unknown[][] = [];
    for (let i = index + 1; i < this.#log.length; i++) {
      const logged = this.#log[i];
      if (reaches(rooms, logged.opts)) missedPackets.push(logged.data);
    }
    const { disconnectedAt: _, ...restored } = session;
    return Promise.resolve({ ...restored, missedPackets });
  }

  /** Event packets without ack that are not volatile get an offset appended and are logged. */
  override broadcast(packet: SocketPacket, opts: BroadcastOptions): void {
    if (packet.type === PacketType.EVENT && packet.id === undefined && opts.flags?.volatile !== true) {
      const data = packet.data as unknown[];
      data.push(`${this.#prefix}.${(this.#firstSequence + this.#log.length).toString(36)}`);
      this.#log.push({ opts, data, emittedAt: Date.now() });
    }
    super.broadcast(packet, opts);
  }

  #indexOf(offset: string): number | undefined {
    const dot = offset.lastIndexOf('.');
    if (dot === -1 || offset.slice(0, dot) !== this.#prefix) return undefined;
    const sequence = Number.parseInt(offset.slice(dot + 1), 36);
    const index = sequence - this.#firstSequence;
    return Number.isSafeInteger(index) && index >= 0 && index < this.#log.length ? index : undefined;
  }

  #prune(): void {
    const threshold = Date.now() - this.#maxDisconnectionDuration;
    for (const [pid, session] of this.#sessions) if (session.disconnectedAt < threshold) this.#sessions.delete(pid);
    let expired = 0;
    while (expired < this.#log.length && this.#log[expired].emittedAt < threshold) expired++;
    if (expired > 0) {
      this.#log.splice(0, expired);
      this.#firstSequence += expired;
    }
  }
}

function reaches(sessionRooms: Set<Room>, opts: BroadcastOptions): boolean {
  const included = opts.rooms.size === 0 || [...opts.rooms].some((room) => sessionRooms.has(room));
  if (!included || opts.except === undefined) return included;
  for (const room of opts.except) if (sessionRooms.has(room)) return false;
  return true;
}
