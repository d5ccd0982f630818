import type { RealtimeServer } from '../realtime.js';
import { awayNames } from './away.js';
import type { PresenceEvent } from './events.js';

/** Server-side event (between nodes): "membership of these rooms changed here". */
export const PRESENCE_CHANGED = 'presence:changed';

/** At most this many rooms per notification; a flood of names from a peer is cut here. */
const MAX_ROOMS_PER_NOTICE = 1000;

/**
 * A DM (`dm-<id>-<id>`) shows whether its people are online anywhere, not only with the DM open:
 * its presence is read from their accounts' rooms (`user:<id>`, joined by every socket of theirs),
 * and an account connecting, leaving or turning away anywhere refreshes its DMs. In a presence:changed
 * notice, `user:<id>` stands for "the DMs of this account" (room names never contain ':').
 */
const DM_PREFIX = 'dm-';
const USER_PREFIX = 'user:';

/** The account ids of a DM room's name, or none for another room. */
function dmAccounts(room: string): string[] {
  return room.startsWith(DM_PREFIX) ? room.slice(DM_PREFIX.length).split('-') : [];
}

/**
 * Tells each room who is in it, on one node or many.
 *
 * Membership is read with `fetchSockets`, which a cluster adapter answers for every node. Each node
 * announces presence to its own sockets only (`io.local`), and tells the other nodes when a room
 * changed here (a server-side event), so they recompute for theirs. Computing where the clients are
 * avoids a race a single cluster-wide broadcast has: two nodes changing a room at once could each
 * read the other's old state, and the staler list might arrive last. Here every node recomputes after
 * hearing of the last change, and a list is never announced after a list computed later.
 *
 * Announcements are coalesced: however many sockets join or leave a room in one event-loop turn,
 * the room gets one computation and one presence event per node.
 */
export class Presence {
  readonly #io: RealtimeServer;
  /** Rooms to recompute at the next flush; true when the change happened here (others are told). */
  readonly #pending = new Map<string, boolean>();
  /** Per room, the sequence number of the last list announced (older results are dropped). */
  readonly #announced = new Map<string, number>();
  #sequence = 0;
  #scheduled = false;
  #closed = false;

  constructor(io: RealtimeServer) {
    this.#io = io;
    io.on(PRESENCE_CHANGED, (rooms: unknown) => {
      if (!Array.isArray(rooms)) return;
      for (const room of rooms.slice(0, MAX_ROOMS_PER_NOTICE)) if (typeof room === 'string') this.refresh(room);
    });
    // A node that died took its sockets along (no disconnect events here), and a node that joins or
    // comes back after a Redis outage may hold members already: recompute every room with members here.
    const adapter = io.of('/').adapter;
    adapter.on('node-down', () => this.refreshAll());
    adapter.on('node-up', () => this.refreshAll());
  }

  /** Distinct nicknames of the sockets in a room, on every node, sorted for display. */
  async usersIn(room: string): Promise<string[]> {
    const sockets = await this.#io.in(room).fetchSockets();
    const nicks = new Set<string>();
    for (const socket of sockets) if (typeof socket.data.nick === 'string') nicks.add(socket.data.nick);
    return [...nicks].sort((a, b) => a.localeCompare(b));
  }

  /**
   * The room's people (as `usersIn`) and, of them, those away in every socket they have there; for a
   * DM, its two people wherever they are connected, and those away in every socket they have.
   */
  async stateIn(room: string): Promise<{ users: string[]; away: string[] }> {
    const accounts = dmAccounts(room);
    const where = accounts.length > 0 ? accounts.map((id) => `${USER_PREFIX}${id}`) : room;
    // One lookup for both lists: they describe the same moment.
    const sockets = await this.#io.in(where).fetchSockets();
    const nicks = new Set<string>();
    for (const socket of sockets) if (typeof socket.data.nick === 'string') nicks.add(socket.data.nick);
    return { users: [...nicks].sort((a, b) => a.localeCompare(b)), away: awayNames(sockets) };
  }

  /** Membership of a room changed on this node: announce here and tell the other nodes. */
  changed(room: string): void {
    this.#schedule(room, true);
  }

  /** Membership may have changed elsewhere: announce to this node's members of the room. */
  refresh(room: string): void {
    this.#schedule(room, this.#pending.get(room) === true);
  }

  /**
   * An account connected, disconnected or turned away / back somewhere: its DMs are announced again,
   * here and on the other nodes (whoever has the DM open there sees it online, away or offline).
   */
  accountChanged(userId: string): void {
    this.#schedule(`${USER_PREFIX}${userId}`, true);
  }

  /** Refreshes every room this node has members in. */
  refreshAll(): void {
    for (const room of this.#localRooms()) this.refresh(room);
  }

  close(): void {
    this.#closed = true;
    this.#pending.clear();
  }

  #schedule(room: string, local: boolean): void {
    if (this.#closed) return;
    this.#pending.set(room, local);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => this.#flush());
  }

  #flush(): void {
    this.#scheduled = false;
    if (this.#closed) return;
    const changedHere: string[] = [];
    for (const [room, local] of this.#pending) {
      if (local) changedHere.push(room);
      if (room.startsWith(USER_PREFIX)) {
        const userId = room.slice(USER_PREFIX.length);
        for (const dm of this.#localRooms()) if (dmAccounts(dm).includes(userId)) this.#announce(dm);
      } else {
        this.#announce(room);
      }
    }
    this.#pending.clear();
    // One notice per turn for all rooms; without a cluster adapter this goes nowhere.
    if (changedHere.length > 0) this.#io.serverSideEmit(PRESENCE_CHANGED, changedHere);
  }

  #announce(room: string): void {
    if (!this.#hasLocalMembers(room)) {
      // Nobody here to tell; forget the room so the map only holds rooms with members here.
      this.#announced.delete(room);
      return;
    }
    const sequence = ++this.#sequence;
    this.stateIn(room).then(
      ({ users, away }) => {
        if (this.#closed || sequence <= (this.#announced.get(room) ?? 0)) return;
        this.#announced.set(room, sequence);
        const event: PresenceEvent = { room, users, away };
        this.#io.local.to(room).emit('presence', event);
      },
      () => {}, // A failed lookup only delays the list; the next join, leave or node change refreshes it.
    );
  }

  #hasLocalMembers(room: string): boolean {
    return (this.#io.of('/').adapter.rooms.get(room)?.size ?? 0) > 0;
  }

  /** Chat rooms with sockets on this node (each socket's private room, named by its id, excluded). */
  #localRooms(): string[] {
    const { rooms, sids } = this.#io.of('/').adapter;
    return [...rooms.keys()].filter((room): room is string => typeof room === 'string' && !sids.has(room));
  }
}
