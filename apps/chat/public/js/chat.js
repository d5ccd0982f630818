// @ts-check
/// <reference path="../../page-globals.d.ts" />
// The chat's client logic over one Socket.IO connection (the server's protocol is in src/chat/events.ts).
//
// Nothing is lost and nothing is shown twice:
// - a recovered session (the server kept it through a short drop) gets its missed events replayed;
// - otherwise every joined room asks for the messages after the last id it has;
// - messages are keyed by id, so overlaps between those paths are dropped;
// - messages written while offline wait in the outbox and go out, in order, once connected.
import { applyChange, applyEarlyChanges } from './message-changes.js';
import { Outbox } from './outbox.js';
import { ReadState } from './read-state.js';
import { request, requestPatiently } from './request.js';
import { Sender } from './sender.js';
import { RoomState } from './state.js';
import { loadJson, saveJson } from './util.js';

/** @typedef {import('../../src/store/types.js').ChatMessage} ChatMessage */
/** @typedef {import('../../src/store/types.js').RoomInfo} RoomInfo */
/** @typedef {import('../../src/store/types.js').User} User */
/** @typedef {import('../../src/chat/events.js').PresenceEvent} PresenceEvent */
/** @typedef {import('../../src/chat/events.js').TypingEvent} TypingEvent */
/** @typedef {import('./request.js').ChatSocket} ChatSocket */
/** @typedef {import('./chrome-view.js').ConnectionStatus} ConnectionStatus */
/** @typedef {import('./chrome-view.js').ToastKind} ToastKind */

/**
 * How a room is shown: its sigil ('#' or '@'), its text, and a tag ('private') if any.
 * @typedef {[sigil: string, text: string, tag?: string | undefined]} RoomLabel
 */

/**
 * What the chat calls to draw (main.js implements it over the page's views).
 * @typedef {object} ChatView
 * @property {(room: RoomState, how?: 'append' | 'prepend' | 'reset', toBottom?: boolean) => void} messages
 * @property {(room: RoomState, how: 'append' | 'prepend' | 'reset') => void} room  the whole room (opened, or synced)
 * @property {() => void} rooms               the room list, header and actions
 * @property {(message: ChatMessage) => void} [changed]  a message was edited, deleted or reacted to
 * @property {(room: RoomState) => void} people
 * @property {(room: RoomState) => void} typing
 * @property {(status: ConnectionStatus, queued: number) => void} status
 * @property {(message: string, kind?: ToastKind) => void} toast
 * @property {(message: string) => void} signedOut  the session is gone: back to the sign-in screen
 */

const DEFAULT_ROOM = 'general';
const TYPING_SEND_EVERY_MS = 2500;
const TYPING_IDLE_MS = 3000;
const TYPING_SHOWN_MS = 5000;
/** Failed reconnection attempts before the status says "offline" instead of "reconnecting". */
const OFFLINE_AFTER_ATTEMPTS = 3;
/** Catch-up pages fetched before giving up on filling a gap and showing the latest page instead. */
const MAX_CATCH_UP_PAGES = 10;

export class Chat {
  /** The signed-in user's name (shown, and what the server labels this user's messages with). */
  nick = '';
  /** The signed-in user's id: "mine" is decided by it. */
  userId = '';
  /** @type {Map<string, RoomState>} */
  rooms = new Map();
  /**
   * Every room on the server, by name.
   * @type {string[]}
   */
  roomNames = [DEFAULT_ROOM];
  /**
   * What the server said about each listed room (kind, owner, a DM's members), by name.
   * @type {Map<string, RoomInfo>}
   */
  roomInfo = new Map();
  /** @type {string[]} */
  joined = /** @type {unknown[]} */ (loadJson('parley.rooms', [DEFAULT_ROOM])).filter(
    (name) => typeof name === 'string',
  );
  active = String(loadJson('parley.active', DEFAULT_ROOM));
  outbox = new Outbox();
  /** @type {ConnectionStatus} */
  status = 'connecting';
  /**
   * Called with each new socket, so page modules (notifications, away) can listen to it.
   * @type {((socket: ChatSocket) => void)[]}
   */
  socketHooks = [];

  /** @type {ChatSocket | null} */
  #socket = null;
  /** @type {ChatView} */
  #view;
  /** @type {Sender} */
  #sender;
  #failedAttempts = 0;
  /** Whether this session connected once: later losses say "reconnecting", not "connecting". */
  #wasConnected = false;
  /**
   * Whether this connection's rooms are joined again (set once the resync after a connect is done):
   * a message sent before would reach a room the new socket is not in yet, and be refused.
   */
  #synced = false;
  /** Who waits for the rooms to be joined again (see whenSynced). @type {(() => void)[]} */
  #syncWaiters = [];
  /** Signed out: nothing reconnects until the next sign-in. */
  #stopped = false;
  #typingSentAt = 0;
  /** @type {ReturnType<typeof setTimeout> | 0} */
  #typingIdleTimer = 0;

  /** @param {ChatView} view */
  constructor(view) {
    this.#view = view;
    /** Read markers, unread and mention counts, mutes (kept by the server). */
    this.readState = new ReadState({
      request: (event, payload) => this.#read(event, payload),
      room: (name) => this.rooms.get(name),
      active: () => this.active,
      myId: () => this.userId,
      myName: () => this.nick,
      changed: () => this.#view.rooms(),
    });
    this.#sender = new Sender({
      outbox: this.outbox,
      send: (item) =>
        this.#request('message:send', {
          room: item.room,
          text: item.text,
          clientId: item.clientId,
          ...(item.replyTo === undefined ? {} : { replyTo: item.replyTo }),
        }),
      connected: () => this.synced,
      onStored: (message) => this.#room(message.room).add([message]),
      onChange: (room) => {
        this.#redrawIfActive(room);
        this.#setStatus(this.status);
      },
      onError: (message) => this.#view.toast(message, 'error'),
    });
    // Another tab queued, sent or dropped a message: show it, count it, and send it if this tab can.
    this.outbox.onExternalChange = () => {
      this.#view.messages(this.activeRoom);
      this.#setStatus(this.status);
      this.#sender.flush();
    };
    if (!this.joined.includes(DEFAULT_ROOM)) this.joined.unshift(DEFAULT_ROOM);
    if (!this.joined.includes(this.active)) this.active = DEFAULT_ROOM;
    for (const name of this.joined) this.#room(name);
    // One timer for all typing hints: expire them and redraw.
    setInterval(() => this.#view.typing(this.activeRoom), 1000);
    window.addEventListener('online', () => this.#online());
    // The browser's idea of the network is a hint, not the connection's state: on a page served from
    // localhost the client keeps its socket when the browser says "offline", and messages go on
    // flowing. The badge follows the socket; being offline only explains why it is not connected.
    window.addEventListener('offline', () => this.#refreshStatus());
  }

  get activeRoom() {
    return this.#room(this.active);
  }

  /**
   * Connects as the signed-in `user` (the session cookie authenticates the connection).
   * @param {User} user
   */
  start(user) {
    this.nick = user.username;
    this.userId = user.id;
    if (!this.#socket) this.#socket = this.#createSocket();
    else this.#socket.disconnect();
    this.#failedAttempts = 0;
    this.#wasConnected = false;
    this.#stopped = false;
    this.#socket.connect();
    this.#refreshStatus();
  }

  /** Disconnects for good (signed out). */
  stop() {
    this.#stopped = true;
    this.#socket?.disconnect();
    this.#refreshStatus();
  }

  // ---------------------------------------------------------------- actions from the page

  /**
   * @param {string} text
   * @param {number} [replyTo]  the id of the message answered
   */
  send(text, replyTo) {
    this.outbox.add(this.active, text, replyTo);
    this.#typingStopped();
    this.#view.messages(this.activeRoom, 'append', true);
    // The banner counts what is waiting: redraw it with each message queued, not at the next status change.
    this.#setStatus(this.status);
    this.#sender.flush();
  }

  /** @param {string} clientId */
  retry(clientId) {
    const item = this.outbox.get(clientId);
    if (!item) return;
    this.outbox.mark(item, 'queued');
    this.#view.messages(this.activeRoom);
    this.#sender.flush();
  }

  /** @param {string} clientId */
  discard(clientId) {
    this.outbox.remove(clientId);
    this.#view.messages(this.activeRoom);
    this.#setStatus(this.status);
  }

  /** @param {string} name */
  async openRoom(name) {
    const room = this.#room(name);
    this.readState.opened(room);
    this.active = name;
    saveJson('parley.active', name);
    if (!this.joined.includes(name)) {
      this.joined.push(name);
      saveJson('parley.rooms', this.joined);
    }
    this.#view.room(room, 'reset');
    if (!room.loaded && this.#socket?.connected) {
      try {
        await this.#join(room);
      } catch (err) {
        this.#reportError(err);
      }
      if (this.active === name) this.#view.room(room, 'reset');
    }
    this.readState.seen(room);
  }

  /**
   * Creates a room (or finds the existing one) and opens it. Throws RequestError on refusal.
   * @param {string} name
   * @param {boolean} [isPrivate]
   */
  async createRoom(name, isPrivate = false) {
    const result = await this.#request('room:create', { room: name, ...(isPrivate ? { private: true } : {}) });
    this.#addRoom(result.room);
    await this.openRoom(result.room.name);
  }

  /**
   * Opens (creating if needed) the direct messages with `username`. Throws RequestError on refusal.
   * @param {string} username
   */
  async openDm(username) {
    const result = await this.#request('dm:open', { username });
    this.#addRoom(result.room);
    await this.openRoom(result.room.name);
  }

  /**
   * Invites `username` into the active private room; gives the account as the server spells it.
   * Throws RequestError on refusal.
   * @param {string} username
   * @returns {Promise<{ id: string, username: string }>}
   */
  async invite(username) {
    const { user } = await this.#request('room:invite', { room: this.active, username });
    return user;
  }

  /** Leaves the active room (every tab of this account leaves it) and goes back to #general. */
  async leaveActive() {
    const name = this.active;
    if (name === DEFAULT_ROOM) return;
    await this.#request('room:leave', { room: name });
    this.joined = this.joined.filter((joined) => joined !== name);
    saveJson('parley.rooms', this.joined);
    if (this.roomInfo.get(name)?.kind !== 'public') {
      this.roomNames = this.roomNames.filter((listed) => listed !== name);
      this.roomInfo.delete(name);
    }
    this.rooms.delete(name);
    await this.openRoom(DEFAULT_ROOM);
  }

  /**
   * The sigil, text and tag a room is shown with: '#name', '#name' tagged private, or '@other' for a DM.
   * @param {string} name
   * @returns {RoomLabel}
   */
  labelOf(name) {
    const info = this.roomInfo.get(name);
    if (info?.kind === 'dm') {
      const other = (info.members ?? []).find((member) => member !== this.nick) ?? this.nick;
      return ['@', other];
    }
    return ['#', name, info?.kind === 'private' ? 'private' : undefined];
  }

  async loadOlder() {
    const room = this.activeRoom;
    if (!room.hasOlder || room.loadingOlder || !this.#socket?.connected || room.firstId === undefined) return;
    room.loadingOlder = true;
    this.#view.messages(room, 'prepend');
    try {
      const page = await this.#read('history:before', { room: room.name, before: room.firstId });
      room.add(page.messages);
      room.hasOlder = page.hasMore;
    } catch (err) {
      this.#reportError(err);
    } finally {
      room.loadingOlder = false;
    }
    if (room === this.activeRoom) this.#view.messages(room, 'prepend');
  }

  typing() {
    const now = Date.now();
    if (now - this.#typingSentAt > TYPING_SEND_EVERY_MS && this.#socket?.connected) {
      this.#typingSentAt = now;
      this.#socket.emit('typing', { room: this.active, typing: true });
    }
    clearTimeout(this.#typingIdleTimer);
    this.#typingIdleTimer = setTimeout(() => this.#typingStopped(), TYPING_IDLE_MS);
  }

  /**
   * A request of another page module (search, attachments) over this connection; resolves with the
   * server's answer or rejects with a RequestError (see request.js).
   * @param {string} event
   * @param {...unknown} args
   * @returns {Promise<any>}
   */
  request(event, ...args) {
    return this.#request(event, ...args);
  }

  /** Whether the socket is connected and its rooms joined again. */
  get synced() {
    return this.#socket?.connected === true && this.#synced;
  }

  /**
   * Resolves once this connection's rooms are joined again (at once if they are): a request that
   * needs room membership (an upload) made right after a connect would otherwise be refused.
   * @returns {Promise<void>}
   */
  whenSynced() {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve) => this.#syncWaiters.push(resolve));
  }

  // ---------------------------------------------------------------- connection

  /** @returns {ChatSocket} */
  #createSocket() {
    // Authenticated by the session cookie the browser sends with the handshake.
    const socket = io({ autoConnect: false });
    socket.on('connect', () => this.#onConnect());
    socket.on('disconnect', (reason) => {
      // Typing hints can no longer be cleared by their senders; drop them rather than show stale ones.
      for (const room of this.rooms.values()) room.typing.clear();
      this.#view.typing(this.activeRoom);
      if (reason === 'io client disconnect') return;
      // Only a sign-out (here, in another tab or on another device's request) ends a session from the server.
      if (reason === 'io server disconnect') {
        this.#view.signedOut('You were signed out.');
        return;
      }
      this.#refreshStatus();
    });
    socket.on('connect_error', (err) => this.#onConnectError(err));
    socket.on('message', (message) => this.#onMessage(message));
    socket.on('presence', (event) => this.#onPresence(event));
    socket.on('typing', (event) => this.#onTyping(event));
    socket.on('room:created', (room) => {
      if (typeof room?.name === 'string') this.#addRoom(room);
    });
    socket.on('message:update', (message) => this.#onChange(message));
    socket.on('room:removed', (event) => this.#onRemoved(event?.room));
    // After the handlers above: a message is in its room's state before it is counted.
    this.readState.listen(socket);
    for (const hook of this.socketHooks) hook(socket);
    return socket;
  }

  async #onConnect() {
    this.#failedAttempts = 0;
    this.#wasConnected = true;
    this.#synced = false;
    this.#refreshStatus();
    // Called by this socket's own 'connect': it is the chat's socket.
    const socket = /** @type {ChatSocket} */ (this.#socket);
    try {
      // A recovered session kept its rooms and got every missed event replayed: only rooms opened
      // while offline still need loading.
      if (!socket.recovered) await this.#resync();
      else for (const name of this.joined) if (!this.#room(name).loaded) await this.#join(this.#room(name));
      this.#view.room(this.activeRoom, 'append');
    } catch (err) {
      if (socket.connected) this.#reportError(err);
    }
    this.#synced = true;
    for (const resolve of this.#syncWaiters.splice(0)) resolve();
    this.#sender.flush();
  }

  /** @param {Error} err */
  #onConnectError(err) {
    // Called by this socket's own 'connect_error': it is the chat's socket.
    if (!(/** @type {ChatSocket} */ (this.#socket).active)) {
      // Refused by the server (not a network problem): the session is not (or no longer) valid.
      this.#refreshStatus();
      // The server's refusal carries its reason (see ClientError in @parley/client).
      const code = /** @type {{ data?: { code?: unknown } }} */ (err).data?.code;
      if (code === 'UNAUTHENTICATED') this.#view.signedOut('Your session has ended. Please sign in again.');
      else this.#view.toast(err.message, 'error');
      return;
    }
    this.#failedAttempts += 1;
    this.#refreshStatus();
  }

  #online() {
    const socket = this.#socket;
    if (socket && !socket.connected) {
      // The attempts that failed while offline say nothing about the network that is back.
      this.#failedAttempts = 0;
      if (!socket.active && !this.#stopped) socket.connect();
    }
    this.#refreshStatus();
  }

  /**
   * Sets the status from the socket itself, so that no event order can leave the badge behind the
   * connection: connected exactly while the socket is, and otherwise why not.
   */
  #refreshStatus() {
    const socket = this.#socket;
    /** @type {ConnectionStatus} */
    let status;
    if (socket?.connected) status = 'connected';
    else if (!socket) status = 'connecting';
    // Not trying any more: signed out, or refused by the server.
    else if (!socket.active) status = 'offline';
    else if (navigator.onLine === false || this.#failedAttempts >= OFFLINE_AFTER_ATTEMPTS) status = 'offline';
    else status = this.#wasConnected || this.#failedAttempts > 0 ? 'reconnecting' : 'connecting';
    this.#setStatus(status);
  }

  /** After a fresh session: refresh the room list, then rejoin every room and catch up. */
  async #resync() {
    /** @type {{ rooms: RoomInfo[] }} */
    const { rooms } = await this.#read('rooms:list');
    this.roomNames = rooms.map((room) => room.name);
    this.roomInfo = new Map(rooms.map((room) => [room.name, room]));
    const known = new Set(this.roomNames);
    this.joined = this.joined.filter((name) => known.has(name));
    if (!this.joined.includes(DEFAULT_ROOM)) this.joined.unshift(DEFAULT_ROOM);
    if (!this.joined.includes(this.active)) this.active = DEFAULT_ROOM;
    saveJson('parley.rooms', this.joined);
    // The server's counts include what was missed while away; catch-up below does not count again.
    await this.readState.refresh();
    this.#view.room(this.activeRoom, 'append');
    // The room on screen first, so it fills without waiting for the others.
    const order = [this.active, ...this.joined.filter((name) => name !== this.active)];
    for (const name of order) {
      const room = await this.#join(this.#room(name));
      if (room === this.activeRoom) {
        this.#view.room(room, 'append');
        this.readState.seen(room);
      }
    }
    this.#view.rooms();
  }

  /**
   * Joins (or rejoins) a room and loads or catches up its messages; resolves with the room's state.
   * @param {RoomState} room
   * @returns {Promise<RoomState>}
   */
  async #join(room) {
    const firstTime = !room.loaded;
    const result = await this.#read('room:join', {
      room: room.name,
      ...(firstTime ? {} : { after: room.lastId ?? 0 }),
    });
    room.users = result.users;
    room.away = Array.isArray(result.away) ? result.away : [];
    room.add(result.messages);
    if (result.mode === 'latest') {
      room.hasOlder = result.hasMore;
    } else {
      let hasMore = result.hasMore;
      for (let pages = 1; hasMore && pages < MAX_CATCH_UP_PAGES; pages++) {
        const page = await this.#read('history:after', { room: room.name, after: room.lastId ?? 0 });
        room.add(page.messages);
        hasMore = page.hasMore;
      }
      if (hasMore) {
        // Too far behind to fill the gap page by page: show the latest page instead.
        this.rooms.delete(room.name);
        const fresh = this.#room(room.name);
        return this.#join(fresh);
      }
    }
    if (firstTime) {
      room.rev = Math.max(room.rev, result.rev ?? 0);
      applyEarlyChanges(room);
    } else {
      await this.#catchUpChanges(room);
    }
    room.loaded = true;
    return room;
  }

  // ---------------------------------------------------------------- server events

  /** @param {ChatMessage} message  as received */
  #onMessage(message) {
    const room = this.rooms.get(message?.room);
    if (!room) return;
    // Our own message, broadcast before its ack arrived: it is delivered.
    if (this.#isMine(message) && message.clientId) this.outbox.remove(message.clientId);
    const added = room.add([message]);
    room.typing.delete(message.nick);
    if (added.length === 0) return;
    // Unread counts are kept by readState, which hears this message next.
    if (room === this.activeRoom) this.#view.messages(room, 'append');
  }

  /** @param {ChatMessage} message */
  #isMine(message) {
    return typeof message?.userId === 'string' && message.userId === this.userId;
  }

  /** @param {PresenceEvent} event  as received */
  #onPresence(event) {
    const room = this.rooms.get(event?.room);
    if (!room || !Array.isArray(event.users)) return;
    room.users = event.users.filter((nick) => typeof nick === 'string');
    room.away = Array.isArray(event.away) ? event.away.filter((nick) => typeof nick === 'string') : [];
    // Someone who left cannot still be typing.
    for (const nick of room.typing.keys()) if (!room.users.includes(nick)) room.typing.delete(nick);
    if (room === this.activeRoom) {
      this.#view.people(room);
      this.#view.typing(room);
    }
  }

  /** @param {TypingEvent} event  as received */
  #onTyping(event) {
    const room = this.rooms.get(event?.room);
    if (!room || typeof event.nick !== 'string') return;
    if (event.typing) room.typing.set(event.nick, Date.now() + TYPING_SHOWN_MS);
    else room.typing.delete(event.nick);
    if (room === this.activeRoom) this.#view.typing(room);
  }

  // ---------------------------------------------------------------- message changes

  /**
   * Sends a request about the active room's messages (see message-actions.js).
   * @param {string} event
   * @param {object} payload
   * @returns {Promise<any>}
   */
  ask(event, payload) {
    return this.#request(event, payload);
  }

  /**
   * Shows a message's new state (from an ack, a broadcast or catch-up).
   * @param {ChatMessage} message
   */
  applyChange(message) {
    this.#onChange(message);
  }

  /** @param {ChatMessage} message  as received */
  #onChange(message) {
    const room = this.rooms.get(message?.room);
    if (room && applyChange(room, message)) this.#redrawIfActive(room.name);
    if (room) this.#view.changed?.(message);
  }

  /**
   * After a fresh session: the changes to this room's messages since the last revision seen.
   * @param {RoomState} room
   */
  async #catchUpChanges(room) {
    let hasMore = true;
    for (let pages = 0; hasMore && pages < MAX_CATCH_UP_PAGES; pages++) {
      const page = await this.#read('history:changes', { room: room.name, since: room.rev });
      for (const message of page.messages) applyChange(room, message);
      room.rev = Math.max(room.rev, page.rev);
      hasMore = page.hasMore;
    }
  }

  /** @param {unknown} name  as received */
  #onRemoved(name) {
    if (typeof name !== 'string' || !this.rooms.has(name)) return;
    this.joined = this.joined.filter((joined) => joined !== name);
    saveJson('parley.rooms', this.joined);
    this.roomNames = this.roomNames.filter((listed) => listed !== name);
    this.roomInfo.delete(name);
    this.rooms.delete(name);
    this.#view.toast(`You were removed from #${name}.`, 'error');
    if (this.active === name) this.openRoom(DEFAULT_ROOM);
    else this.#view.rooms();
  }

  // ---------------------------------------------------------------- helpers

  /**
   * @param {string} event
   * @param {...unknown} args
   * @returns {Promise<any>}
   */
  #request(event, ...args) {
    return request(this.#socket, event, ...args);
  }

  /**
   * A read the server may ask to slow down (RATE_LIMITED): waited out and retried.
   * @param {string} event
   * @param {...unknown} args
   * @returns {Promise<any>}
   */
  #read(event, ...args) {
    return requestPatiently(this.#socket, event, ...args);
  }

  #typingStopped() {
    clearTimeout(this.#typingIdleTimer);
    if (this.#typingSentAt !== 0 && this.#socket?.connected) {
      this.#socket.emit('typing', { room: this.active, typing: false });
    }
    this.#typingSentAt = 0;
  }

  /** @param {string} name */
  #room(name) {
    let room = this.rooms.get(name);
    if (!room) {
      room = new RoomState(name);
      this.rooms.set(name, room);
    }
    return room;
  }

  /** @param {RoomInfo} info */
  #addRoom(info) {
    this.roomInfo.set(info.name, info);
    this.#addRoomName(info.name);
    this.#view.rooms();
  }

  /** @param {string} name */
  #addRoomName(name) {
    if (this.roomNames.includes(name)) return;
    this.roomNames = [...this.roomNames, name].sort();
    this.#view.rooms();
  }

  /** @param {string} roomName */
  #redrawIfActive(roomName) {
    if (roomName === this.active) this.#view.messages(this.activeRoom);
  }

  /** @param {ConnectionStatus} status */
  #setStatus(status) {
    this.status = status;
    this.#view.status(status, this.outbox.queuedCount);
  }

  /** @param {unknown} err */
  #reportError(err) {
    this.#view.toast(err instanceof Error ? err.message : String(err), 'error');
  }
}
