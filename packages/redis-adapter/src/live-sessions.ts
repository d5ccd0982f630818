/**
 * Sessions of connected sockets (option `crashRecovery`), kept in Redis while they are alive, so
 * that a client whose node crashed (SIGKILL, OOM, power loss: no chance to store anything on the way out) still recovers
 * on another node.
 *
 * Each node keeps a hash `<key>-live#{<nsp>}#<node>` (private id -> session) with a TTL of
 * `maxDisconnectionDuration + heartbeatInterval`, refreshed every heartbeat: once a node dies
 * its sessions stay recoverable for at least `maxDisconnectionDuration`, then vanish. The nodes
 * holding such hashes are listed in a sorted set scored by their last refresh, so a restore can
 * look through the hashes of the nodes that may have held the session.
 *
 * Cost: a socket's entry is rewritten when it connects and on each room change (the changes of
 * one synchronous run, e.g. a connection handler joining several rooms, coalesced into one `HSET`
 * of every changed socket plus one `PEXPIRE`, pipelined); a disconnect is one `HDEL` (in the
 * same batch); every heartbeat, a `PEXPIRE` and a `ZADD`.
 * Nothing per broadcast. The data is as of the last write: `socket.data` changed without a room
 * change is not written until the next one.
 */
import type { Session, SocketId } from '@parley/server';
import type { Names } from './channels.js';
import { decodeFrame, encodeFrame } from './codec.js';
import type { NodeId } from './node-registry.js';
import type { RedisLink } from './redis-link.js';

export interface LiveSessionsConfig {
  uid: NodeId;
  names: Names;
  maxDisconnectionDuration: number;
  heartbeatInterval: number;
  /** The current session of a local socket (undefined once gone). */
  sessionOf: (sid: SocketId) => Session | undefined;
  onError: (error: unknown) => void;
}

/** A session found in a node's hash, removed from it (so it is restored once). */
export interface TakenSession {
  owner: NodeId;
  session: unknown;
}

export class LiveSessions {
  readonly #link: RedisLink;
  readonly #config: LiveSessionsConfig;
  readonly #key: string;
  readonly #ttl: number;
  /** The private id written for each local socket, to remove it when the socket leaves. */
  readonly #written = new Map<SocketId, string>();
  readonly #changed = new Set<SocketId>();
  readonly #removed = new Set<string>();
  #flushScheduled = false;
  #refresh: NodeJS.Timeout | undefined;

  constructor(link: RedisLink, config: LiveSessionsConfig) {
    this.#link = link;
    this.#config = config;
    this.#key = config.names.liveSessions(config.uid);
    this.#ttl = Math.ceil(config.maxDisconnectionDuration + config.heartbeatInterval);
  }

  /** A local socket connected or changed rooms: its entry is rewritten at the end of this turn. */
  changed(sid: SocketId): void {
    this.#changed.add(sid);
    this.#schedule();
  }

  /** A local socket left (its disconnect record, if any, is stored by persistSession). */
  removed(sid: SocketId): void {
    const pid = this.#written.get(sid);
    this.#changed.delete(sid);
    if (pid === undefined) return;
    this.#written.delete(sid);
    this.#removed.add(pid);
    this.#schedule();
  }

  /**
   * Takes the live session `pid` from the hash of any node that refreshed its hash within the
   * TTL (a crashed one included). Null when no node has it.
   */
  async take(pid: string): Promise<TakenSession | null> {
    const { names } = this.#config;
    const since = Date.now() - this.#ttl;
    const owners = (await this.#link.command(['ZRANGE', names.sessionNodes, String(since), '+inf', 'BYSCORE'])) as
      | Buffer[]
      | null;
    if (!Array.isArray(owners) || owners.length === 0) return null;
    const ids = owners.map((owner) => owner.toString());
    const found = await Promise.all(ids.map((id) => this.#link.command(['HGET', names.liveSessions(id), pid])));
    for (let i = 0; i < ids.length; i++) {
      const raw = found[i];
      if (!Buffer.isBuffer(raw)) continue;
      // Whoever removes the entry restores it: two restores of one session cannot both win.
      const removed = await this.#link.command(['HDEL', names.liveSessions(ids[i]), pid]);
      if (Number(removed) === 1) return { owner: ids[i], session: decodeFrame(raw) };
    }
    return null;
  }

  /** Stops refreshing; the hash then expires on its own unless sockets are still in it. */
  close(): void {
    clearInterval(this.#refresh);
    this.#refresh = undefined;
  }

  #schedule(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    queueMicrotask(() => this.#flush());
  }

  // One batch per synchronous run; node-redis pipelines the commands issued in the same tick.
  #flush(): void {
    this.#flushScheduled = false;
    if (this.#link.state !== 'up') {
      this.#changed.clear();
      this.#removed.clear();
      return;
    }
    const fields: Buffer[] = [];
    for (const sid of this.#changed) {
      const session = this.#config.sessionOf(sid);
      if (session === undefined) continue;
      this.#written.set(sid, session.pid);
      this.#removed.delete(session.pid);
      fields.push(Buffer.from(session.pid), encodeFrame(session));
    }
    this.#changed.clear();
    const commands: Array<Array<string | Buffer>> = [];
    if (this.#removed.size > 0) commands.push(['HDEL', this.#key, ...this.#removed]);
    this.#removed.clear();
    if (fields.length > 0) {
      commands.push(['HSET', this.#key, ...fields], ['PEXPIRE', this.#key, String(this.#ttl)]);
      if (this.#refresh === undefined) this.#startRefreshing();
    }
    for (const command of commands) this.#link.command(command).catch(this.#config.onError);
  }

  #startRefreshing(): void {
    this.#announce();
    this.#refresh = setInterval(() => this.#announce(), this.#config.heartbeatInterval);
    this.#refresh.unref();
  }

  #announce(): void {
    if (this.#link.state !== 'up') return;
    const { names, uid } = this.#config;
    const now = Date.now();
    const commands: Array<Array<string | Buffer>> = [
      ['PEXPIRE', this.#key, String(this.#ttl)],
      ['ZADD', names.sessionNodes, String(now), uid],
      ['ZREMRANGEBYSCORE', names.sessionNodes, '-inf', `(${now - this.#ttl}`],
      ['PEXPIRE', names.sessionNodes, String(this.#ttl)],
    ];
    for (const command of commands) this.#link.command(command).catch(this.#config.onError);
  }
}
