// @ts-check
// Unread state, kept by the server (src/chat/read-state.ts): per room the id of the newest message
// read, what came after it from others (unread) and how much of that mentions me, and whether the
// room is muted. The page loads it on every fresh connection, counts live messages on top, and
// moves the marker while a room is on screen; the server tells the account's other tabs.
import { mentionsMe } from './mentions.js';

/** @typedef {import('../../src/store/types.js').ChatMessage} ChatMessage */
/** @typedef {import('./state.js').RoomState} RoomState */

/**
 * One room's read state as this page counts it.
 * @typedef {object} RoomReadCounts
 * @property {number | null} lastRead  the id of the newest message read (null: never opened)
 * @property {number} unread           messages from others after it
 * @property {number} mentions         of those, the ones mentioning me
 * @property {boolean} muted
 * @property {number} countedUpTo      the newest message id already counted (each is counted once)
 */

/** Read markers are sent at most this often per room: a burst of messages costs one request. */
const MARK_EVERY_MS = 400;

export class ReadState {
  /** @type {Map<string, RoomReadCounts>} */
  #states = new Map();
  #deps;
  /**
   * Markers waiting to be sent, by room (one timer for all).
   * @type {Map<string, number>}
   */
  #pending = new Map();
  /** @type {ReturnType<typeof setTimeout> | 0} */
  #timer = 0;
  #loaded = false;

  /**
   * @param {object} deps
   * @param {(event: string, payload?: object) => Promise<any>} deps.request  a chat request (rejects on refusal)
   * @param {(name: string) => RoomState | undefined} deps.room  the page's state of a room
   * @param {() => string} deps.active     the room on screen
   * @param {() => string} deps.myId       the signed-in account's id
   * @param {() => string} deps.myName     the signed-in account's username
   * @param {() => void} deps.changed      counts or mutes changed: redraw the room list and title
   */
  constructor(deps) {
    this.#deps = deps;
  }

  /**
   * The room's state (zeros for a room the server did not list yet).
   * @param {string} name
   * @returns {RoomReadCounts}
   */
  of(name) {
    let state = this.#states.get(name);
    if (!state) {
      state = { lastRead: null, unread: 0, mentions: 0, muted: false, countedUpTo: 0 };
      this.#states.set(name, state);
    }
    return state;
  }

  /** What the tab title counts: unread messages of rooms not muted, and mentions everywhere. */
  total() {
    let total = 0;
    for (const state of this.#states.values()) total += state.muted ? state.mentions : state.unread;
    return total;
  }

  /** @param {import('./request.js').ChatSocket} socket */
  listen(socket) {
    socket.on('message', (message) => this.#count(message));
    socket.on('notify', (event) => this.#count(event?.message));
    socket.on('room:read', (event) => this.#onRead(event));
    socket.on('room:muted', (event) => {
      if (typeof event?.room !== 'string') return;
      this.of(event.room).muted = event.muted === true;
      this.#deps.changed();
    });
  }

  /** Replaces the counts with the server's (after a fresh connection; live counting resumes on top). */
  async refresh() {
    /** @type {import('../../src/store/types.js').RoomReadState[]} */
    let rooms;
    try {
      ({ rooms } = await this.#deps.request('unread:list'));
    } catch {
      // Counts are a convenience: without them the rooms still load, and the next connection retries.
      return;
    }
    for (const entry of rooms) {
      const state = this.of(entry.room);
      state.lastRead = entry.lastRead;
      state.unread = entry.unread;
      state.mentions = entry.mentions;
      state.muted = entry.muted;
      state.countedUpTo = Math.max(state.countedUpTo, this.#deps.room(entry.room)?.lastId ?? 0, entry.lastRead ?? 0);
    }
    // On the first load, the room on screen gets its divider from the marker now known.
    if (!this.#loaded) {
      this.#loaded = true;
      const active = this.#deps.room(this.#deps.active());
      if (active) this.opened(active);
    }
    this.#deps.changed();
  }

  /**
   * A room was opened: the "new messages" divider goes after the marker as it was before this visit.
   * @param {RoomState} room
   */
  opened(room) {
    const state = this.of(room.name);
    room.dividerAfter = state.unread > 0 && state.lastRead !== null ? state.lastRead : undefined;
    // A private room or DM never read: everything is new.
    if (state.unread > 0 && state.lastRead === null) room.dividerAfter = 0;
  }

  /**
   * The room is on screen: if the tab is visible too, everything loaded in it is read.
   * @param {RoomState | undefined} room
   */
  seen(room) {
    if (!room?.loaded || document.visibilityState !== 'visible' || room.name !== this.#deps.active()) return;
    const lastId = room.lastId ?? 0;
    const state = this.of(room.name);
    if (state.unread > 0 || state.mentions > 0) {
      state.unread = 0;
      state.mentions = 0;
      this.#deps.changed();
    }
    // An empty room is marked too (at 0): the marker says the room was opened, so what comes counts.
    if (state.lastRead !== null && lastId <= state.lastRead) return;
    state.lastRead = lastId;
    state.countedUpTo = Math.max(state.countedUpTo, lastId);
    this.#pending.set(room.name, lastId);
    // The first marker goes at once (a reload right after must not lose it); those following it
    // within MARK_EVERY_MS wait and go together.
    if (this.#timer === 0) this.#flush();
  }

  /**
   * @param {string} name
   * @param {boolean} muted
   */
  async setMuted(name, muted) {
    await this.#deps.request('room:mute', { room: name, muted });
    this.of(name).muted = muted;
    this.#deps.changed();
  }

  #flush() {
    const marks = [...this.#pending];
    this.#pending.clear();
    this.#timer = marks.length === 0 ? 0 : setTimeout(() => this.#flush(), MARK_EVERY_MS);
    for (const [room, lastRead] of marks) {
      // A lost marker only leaves a count the next visit clears; nothing to tell the user.
      this.#deps.request('room:read', { room, lastRead }).catch(() => {});
    }
  }

  /**
   * Counts a live message once, whichever way it came (room broadcast or personal notice).
   * @param {ChatMessage | undefined} message  as received
   */
  #count(message) {
    if (typeof message?.room !== 'string' || !Number.isSafeInteger(message.id)) return;
    const state = this.of(message.room);
    if (message.id <= state.countedUpTo) return;
    state.countedUpTo = message.id;
    if (message.userId === this.#deps.myId()) return;
    const room = this.#deps.room(message.room);
    if (room && message.room === this.#deps.active() && document.visibilityState === 'visible') {
      this.seen(room);
      return;
    }
    state.unread += 1;
    if (mentionsMe(message.text, this.#deps.myName())) state.mentions += 1;
    this.#deps.changed();
  }

  /** @param {import('../../src/chat/events.js').ReadEvent | undefined} event  as received */
  #onRead(event) {
    if (typeof event?.room !== 'string' || !Number.isSafeInteger(event.lastRead)) return;
    const state = this.of(event.room);
    if (state.lastRead !== null && event.lastRead <= state.lastRead && state.unread === 0) return;
    state.lastRead = Math.max(state.lastRead ?? 0, event.lastRead);
    // Read elsewhere up to here: what this page has counted after it is all that stays unread.
    const room = this.#deps.room(event.room);
    if (event.lastRead >= state.countedUpTo || !room) {
      state.unread = 0;
      state.mentions = 0;
    } else {
      const after = /** @type {ChatMessage[]} */ (room.ordered()).filter(
        (m) => m.id > event.lastRead && m.userId !== this.#deps.myId(),
      );
      state.unread = after.length;
      state.mentions = after.filter((m) => mentionsMe(m.text, this.#deps.myName())).length;
    }
    this.#deps.changed();
  }
}
