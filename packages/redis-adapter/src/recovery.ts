/**
 * Connection state recovery of one namespace across the cluster, in one place: the stream of
 * broadcasts and the disconnect records (SessionStore), the sessions of connected sockets
 * (LiveSessions, with `crashRecovery`: for nodes that die without storing anything) and the exactly-once hand-off
 * between a replay and live delivery (RestoreHandoff).
 */
import type { BroadcastOptions, RestoredSession, Session, SocketId } from '@parley/server';
import type { Names } from './channels.js';
import { LiveSessions } from './live-sessions.js';
import type { NodeId } from './node-registry.js';
import type { RedisLink } from './redis-link.js';
import { type LiveEntry, RestoreHandoff } from './restore-handoff.js';
import { SessionStore } from './session-store.js';

export interface ClusterRecoveryConfig {
  uid: NodeId;
  names: Names;
  maxDisconnectionDuration: number;
  streamMaxLength: number;
  heartbeatInterval: number;
  /** Keep the sessions of connected sockets too (the `crashRecovery` option). */
  crashRecovery: boolean;
  /** The current session of a socket of this node. */
  sessionOf(sid: SocketId): Session | undefined;
  isConnectedHere(sid: SocketId): boolean;
  /** Disconnects the socket `sid` on the other nodes (a half-open one whose session was taken). */
  disconnectElsewhere(sid: SocketId): void;
  onError(error: unknown): void;
}

export class ClusterRecovery {
  readonly #config: ClusterRecoveryConfig;
  readonly #store: SessionStore;
  readonly #live: LiveSessions | undefined;
  readonly #handoff = new RestoreHandoff();

  constructor(link: RedisLink, config: ClusterRecoveryConfig) {
    this.#config = config;
    this.#live = config.crashRecovery
      ? new LiveSessions(link, {
          uid: config.uid,
          names: config.names,
          maxDisconnectionDuration: config.maxDisconnectionDuration,
          heartbeatInterval: config.heartbeatInterval,
          sessionOf: config.sessionOf,
          onError: config.onError,
        })
      : undefined;
    this.#store = new SessionStore(link, {
      stream: config.names.stream,
      sessionKey: config.names.session,
      maxDisconnectionDuration: config.maxDisconnectionDuration,
      streamMaxLength: config.streamMaxLength,
      live: this.#live,
    });
  }

  /** Logs a broadcast; resolves with its offset, or undefined when Redis failed. */
  append(data: unknown[], opts: BroadcastOptions): Promise<string | undefined> {
    return this.#store.append(data, opts).catch((error) => {
      this.#config.onError(error);
      return undefined;
    });
  }

  /** Stores the session of a socket that dropped (never rejects). */
  persist(session: Session): Promise<void> {
    return this.#store.save(session).catch(this.#config.onError);
  }

  /**
   * Restores a session stored by any node, with the broadcasts it missed (null if impossible).
   * Live broadcasts are recorded from before the stream is read until the socket joins its
   * rooms, so the client gets each one exactly once.
   */
  async restore(pid: string, offset: string): Promise<RestoredSession | null> {
    const recording = this.#handoff.begin();
    try {
      const restored = await this.#store.restore(pid, offset);
      // Still connected here: its client came back before this node saw it leave.
      if (restored === null || this.#config.isConnectedHere(restored.session.sid)) {
        this.#handoff.abort(recording);
        return null;
      }
      const { session, owner } = restored;
      // Taken from another node's live sessions: if that node still runs the socket (a
      // half-open connection), it must go, or two sockets would share one id.
      if (owner !== undefined && owner !== this.#config.uid) this.#config.disconnectElsewhere(session.sid);
      this.#handoff.restored(recording, session, offset, restored.upTo);
      return session;
    } catch (error) {
      this.#handoff.abort(recording);
      this.#config.onError(error);
      return null;
    }
  }

  /** A socket joined rooms (the server joins a restored socket right before its missed packets). */
  joined(sid: SocketId): void {
    this.#handoff.joined(sid);
    this.#live?.changed(sid);
  }

  left(sid: SocketId, room: unknown): void {
    if (room !== sid) this.#live?.changed(sid);
  }

  gone(sid: SocketId): void {
    this.#handoff.forget(sid);
    this.#live?.removed(sid);
  }

  /** A logged broadcast reaches this node: the restored sockets that already got it. */
  delivering(entry: LiveEntry): Set<string | number> | undefined {
    return this.#handoff.live(entry);
  }

  close(): void {
    this.#live?.close();
  }
}
