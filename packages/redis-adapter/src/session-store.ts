/**
 * Connection state recovery shared by every node: the broadcasts of a namespace go to a Redis
 * Stream (trimmed to about `streamMaxLength` entries) whose entry ids are the offsets clients
 * see, and the session of a socket that dropped is kept under its private id for
 * `maxDisconnectionDuration`. A client may then come back on any node.
 */
import type { BroadcastOptions, RestoredSession, Room, Session } from '@parley/server';
import { decodeFrame, encodeFrame } from './codec.js';
import { BadMessageError } from './errors.js';
import type { LiveSessions } from './live-sessions.js';
import { fromWireOptions, toWireOptions, type WireOptions } from './messages.js';
import type { NodeId } from './node-registry.js';
import type { RedisLink } from './redis-link.js';

// Stream ids are `<milliseconds>-<sequence>`; anything else is refused before reaching Redis.
const OFFSET = /^\d{1,20}-\d{1,20}$/;
const READ_BATCH = 500;

interface LoggedBroadcast {
  data: unknown[];
  opts: WireOptions;
}

export interface SessionStoreConfig {
  stream: string;
  sessionKey: (pid: string) => string;
  maxDisconnectionDuration: number;
  streamMaxLength: number;
  /** Sessions of connected sockets, looked through when no disconnect record exists. */
  live?: LiveSessions;
}

export interface Restored {
  session: RestoredSession;
  /** The last stream entry read: the replay's upper bound. */
  upTo: string;
  /** The node whose live sessions held it (it may still run a socket for it); undefined when it was stored on disconnect. */
  owner: NodeId | undefined;
}

export class SessionStore {
  readonly #link: RedisLink;
  readonly #config: SessionStoreConfig;

  constructor(link: RedisLink, config: SessionStoreConfig) {
    this.#link = link;
    this.#config = config;
  }

  /** Logs a broadcast and resolves with its offset. */
  async append(data: unknown[], opts: BroadcastOptions): Promise<string> {
    const entry: LoggedBroadcast = { data, opts: toWireOptions(opts) };
    const { stream, streamMaxLength } = this.#config;
    const id = await this.#link.command([
      'XADD',
      stream,
      'MAXLEN',
      '~',
      String(streamMaxLength),
      '*',
      'd',
      encodeFrame(entry),
    ]);
    return String(id);
  }

  async save(session: Session): Promise<void> {
    const { sessionKey, maxDisconnectionDuration } = this.#config;
    await this.#link.command([
      'SET',
      sessionKey(session.pid),
      encodeFrame(session),
      'PX',
      String(Math.ceil(maxDisconnectionDuration)),
    ]);
  }

  /**
   * Takes the session (a session is restored once) and collects the broadcasts after `offset`
   * that reached it. Null when the session expired or the offset is no longer in the stream.
   */
  async restore(pid: string, offset: string): Promise<Restored | null> {
    if (!OFFSET.test(offset)) return null;
    const raw = await this.#link.command(['GETDEL', this.#config.sessionKey(pid)]);
    let stored: unknown;
    let owner: NodeId | undefined;
    if (Buffer.isBuffer(raw)) stored = decodeFrame(raw);
    else {
      // Not stored on disconnect: the node may have died with the socket still connected.
      const taken = await this.#config.live?.take(pid);
      if (taken === null || taken === undefined) return null;
      stored = taken.session;
      owner = taken.owner;
    }
    const session = validateSession(stored);
    if (session.pid !== pid) return null;
    // The offset itself must still be there, or packets between it and the oldest entry are lost.
    const anchor = await this.#range(offset, offset, 1);
    if (anchor.length === 0) return null;
    const rooms = new Set(session.rooms);
    const missedPackets: unknown[][] = [];
    let upTo = offset;
    for (;;) {
      const entries = await this.#range(`(${upTo}`, '+', READ_BATCH);
      for (const [id, logged] of entries) {
        if (reaches(rooms, fromWireOptions(logged.opts))) missedPackets.push([...logged.data, id]);
      }
      if (entries.length > 0) upTo = entries[entries.length - 1][0];
      if (entries.length < READ_BATCH) break;
    }
    return { session: { ...session, missedPackets }, upTo, owner };
  }

  async #range(from: string, to: string, count: number): Promise<Array<[string, LoggedBroadcast]>> {
    const reply = await this.#link.command(['XRANGE', this.#config.stream, from, to, 'COUNT', String(count)]);
    if (!Array.isArray(reply)) throw new BadMessageError('unexpected XRANGE reply');
    const entries: Array<[string, LoggedBroadcast]> = [];
    for (const item of reply) {
      const [id, fields] = item as [Buffer, Buffer[]];
      for (let i = 0; i + 1 < fields.length; i += 2) {
        if (fields[i].toString() === 'd') entries.push([id.toString(), validateLogged(decodeFrame(fields[i + 1]))]);
      }
    }
    return entries;
  }
}

/** Whether a broadcast with these options reached a socket in `rooms` (its own id included). */
export function reaches(rooms: Set<Room>, opts: BroadcastOptions): boolean {
  let included = opts.rooms.size === 0;
  if (!included) {
    for (const room of opts.rooms) {
      if (rooms.has(room)) {
        included = true;
        break;
      }
    }
  }
  if (!included || opts.except === undefined) return included;
  for (const room of opts.except) if (rooms.has(room)) return false;
  return true;
}

function validateSession(value: unknown): Session {
  const s = value as Partial<Session> | null;
  if (s === null || typeof s !== 'object' || typeof s.sid !== 'string' || typeof s.pid !== 'string') {
    throw new BadMessageError('malformed session');
  }
  if (!Array.isArray(s.rooms)) throw new BadMessageError('malformed session');
  return s as Session;
}

function validateLogged(value: unknown): LoggedBroadcast {
  const l = value as Partial<LoggedBroadcast> | null;
  if (l === null || typeof l !== 'object' || !Array.isArray(l.data) || l.opts === null || typeof l.opts !== 'object') {
    throw new BadMessageError('malformed stream entry');
  }
  return l as LoggedBroadcast;
}
