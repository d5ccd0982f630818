// @ts-check
// Everything around the message pane: rooms, people, the room header, connection state, toasts.
import { roomBadges } from './room-badges.js';
import { avatar, el } from './util.js';

/** @typedef {import('./state.js').RoomState} RoomState */
/** @typedef {import('./chat.js').RoomLabel} RoomLabel */
/** @typedef {import('./read-state.js').RoomReadCounts} RoomReadCounts */
/** @typedef {'connecting' | 'connected' | 'reconnecting' | 'offline'} ConnectionStatus */
/** @typedef {'info' | 'error'} ToastKind */

/**
 * The chrome's elements, all in index.html.
 * @param {string} id
 */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** @type {Record<ConnectionStatus, string>} */
const STATUS_TEXT = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};

export class ChromeView {
  #app = $('app');
  #rooms = $('room-list');
  #people = $('people-list');
  #peopleCount = $('people-count');
  #roomSigil = $('room-sigil');
  #roomName = $('room-name');
  #roomSub = $('room-sub');
  #statusText = $('status-text');
  #banner = $('banner');
  #toasts = $('toasts');
  #menuBadge = $('menu-badge');
  #input = /** @type {HTMLTextAreaElement} */ (document.getElementById('input'));
  /** The active room's tag ('private'), said in the line under its name. */
  #roomTag = '';
  /** In a DM, the other person's username: the line under the name says their presence. */
  #dmPeer = '';

  /**
   * @param {object} deps
   * @param {(name: string) => void} deps.onOpenRoom        a room in the list was clicked
   * @param {(username: string) => void} [deps.onOpenDm]   "Message" next to a person was clicked
   */
  constructor({ onOpenRoom, onOpenDm }) {
    this.onOpenRoom = onOpenRoom;
    this.onOpenDm = onOpenDm;
  }

  /**
   * @param {ConnectionStatus} status
   * @param {number} queued  messages waiting in the outbox
   */
  setStatus(status, queued) {
    this.#app.dataset.status = status;
    this.#statusText.textContent = STATUS_TEXT[status];
    $('status').title =
      status === 'offline' ? 'The server cannot be reached; still trying in the background.' : STATUS_TEXT[status];
    let banner = '';
    if (status === 'offline' || status === 'reconnecting') {
      banner =
        queued > 0
          ? `Not connected. ${queued === 1 ? '1 message is' : `${queued} messages are`} waiting and will be sent when the connection is back.`
          : 'Not connected. You can keep writing: messages are sent when the connection is back.';
    }
    this.#banner.textContent = banner;
    this.#banner.hidden = banner === '';
  }

  /**
   * `labelOf(name)` gives the sigil and text shown: '#' for rooms, a lock for private ones, '@' for DMs.
   * `readOf(name)` gives the room's unread state ({ unread, mentions, muted }, see read-state.js).
   * @param {string[]} names
   * @param {Map<string, RoomState>} _rooms
   * @param {string} active
   * @param {string[]} joined
   * @param {(name: string) => RoomLabel} [labelOf]
   * @param {(name: string) => RoomReadCounts | undefined} [readOf]
   */
  renderRooms(names, _rooms, active, joined, labelOf = (name) => ['#', name], readOf = (_name) => undefined) {
    const nodes = names.map((name) => {
      const read = name === active ? undefined : readOf(name);
      const unread = read && !read.muted ? read.unread : 0;
      const item = el('li');
      item.dataset.room = name;
      if (name === active) item.classList.add('active');
      if (unread > 0) item.classList.add('unread');
      if (!joined.includes(name)) item.classList.add('not-joined');
      const button = el('button');
      button.type = 'button';
      const [sigil, label, tag] = labelOf(name);
      button.append(el('span', 'hash', sigil), el('span', 'name', label));
      if (tag) button.append(el('span', 'room-tag', tag));
      button.append(...roomBadges(item, readOf(name), name === active));
      button.addEventListener('click', () => this.onOpenRoom(name));
      item.append(button);
      return item;
    });
    this.#rooms.replaceChildren(...nodes);
    const anyUnread = names.some((name) => {
      const read = name === active ? undefined : readOf(name);
      return read !== undefined && (read.mentions > 0 || (!read.muted && read.unread > 0));
    });
    this.#menuBadge.hidden = !anyUnread;
  }

  /**
   * `info`: the room's RoomInfo if known; `label`: what to call it; `mine`: whether I own it.
   * @param {RoomState} room
   * @param {import('../../src/store/types.js').RoomInfo | undefined} info
   * @param {boolean} mine
   */
  renderRoomActions(room, info, mine) {
    $('leave-button').hidden = room.name === 'general';
    $('invite-button').hidden = !(info?.kind === 'private' && mine);
  }

  /**
   * `labelOf(name)` as for renderRooms: a DM is headed by the other person's @name, not its room id.
   * `total`: unread messages over every room, for the tab title.
   * @param {RoomState} room
   * @param {(name: string) => RoomLabel} [labelOf]
   * @param {number} [total]
   */
  renderRoomHeader(room, labelOf = (name) => ['#', name], total = 0) {
    const [sigil, label, tag] = labelOf(room.name);
    this.#roomSigil.textContent = sigil;
    this.#roomName.textContent = label;
    this.#roomTag = tag ?? '';
    this.#dmPeer = sigil === '@' ? label : '';
    this.#input.placeholder = `Message ${sigil}${label}`;
    const count = total > 0 ? `(${total > 99 ? '99+' : total}) ` : '';
    document.title = `${count}${sigil}${label} · Parley`;
    this.#renderSub(room);
  }

  /**
   * @param {RoomState} room
   * @param {string} me  my username (marked "you", with no "Message" button)
   */
  renderPeople(room, me) {
    const nodes = room.users.map((nick) => {
      const item = el('li');
      const away = room.away?.includes(nick) === true;
      item.classList.toggle('away', away);
      item.title = away ? `${nick} is away` : `${nick} is online`;
      item.append(avatar(nick, 'avatar small'), el('span', 'person-name', nick));
      if (away) item.append(el('span', 'away-tag', 'away'));
      if (nick === me) item.append(el('span', 'you', 'you'));
      else if (this.onOpenDm) {
        const dm = el('button', 'person-dm', 'Message');
        dm.type = 'button';
        dm.title = `Direct message @${nick}`;
        dm.addEventListener('click', () => this.onOpenDm?.(nick));
        item.append(dm);
      }
      return item;
    });
    this.#people.replaceChildren(...nodes);
    this.#peopleCount.textContent = room.users.length > 0 ? `· ${room.users.length}` : '';
    this.#renderSub(room);
  }

  /**
   * "Signed in as @username": the handle is always shown, so no one can pass for someone else.
   * @param {string} username
   */
  renderMe(username) {
    $('me-nick').textContent = `@${username}`;
    $('me-avatar').replaceWith(Object.assign(avatar(username, 'avatar small'), { id: 'me-avatar' }));
  }

  /**
   * @param {string} message
   * @param {ToastKind} [kind]
   */
  toast(message, kind = 'info') {
    const node = el('div', `toast ${kind}`, message);
    node.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    this.#toasts.append(node);
    while (this.#toasts.childElementCount > 3) /** @type {Element} */ (this.#toasts.firstElementChild).remove();
    setTimeout(() => node.remove(), kind === 'error' ? 6000 : 4000);
  }

  /** @param {RoomState} room */
  #renderSub(room) {
    delete this.#roomSub.dataset.presence;
    this.#roomSub.title = '';
    if (this.#dmPeer) {
      this.#renderPeerPresence(room, this.#dmPeer);
      return;
    }
    const count = room.users.length;
    const people = count === 0 ? '' : count === 1 ? '1 person here' : `${count} people here`;
    const tag = this.#roomTag && `${this.#roomTag[0].toUpperCase()}${this.#roomTag.slice(1)}`;
    this.#roomSub.textContent = [tag, people].filter(Boolean).join(' · ');
  }

  /**
   * A DM's line: the other person online, away or offline (the server lists a DM's people wherever
   * they are connected, not only with the DM open), rather than a head count of two.
   * @param {RoomState} room
   * @param {string} peer
   */
  #renderPeerPresence(room, peer) {
    // Until the DM is joined there is no list yet: say nothing rather than "offline".
    if (!room.loaded) {
      this.#roomSub.textContent = '';
      return;
    }
    /** @type {'online' | 'away' | 'offline'} */
    const state = !room.users.includes(peer) ? 'offline' : room.away?.includes(peer) ? 'away' : 'online';
    const dot = el('span', 'presence-dot');
    dot.setAttribute('aria-hidden', 'true');
    this.#roomSub.dataset.presence = state;
    this.#roomSub.replaceChildren(dot, PRESENCE_TEXT[state]);
    this.#roomSub.title = `@${peer} is ${state}`;
  }
}

/** @type {Record<'online' | 'away' | 'offline', string>} */
const PRESENCE_TEXT = { online: 'Online', away: 'Away', offline: 'Offline' };
