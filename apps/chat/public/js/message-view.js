// @ts-check
// The message pane: history, day separators, grouping, own-message delivery marks, scrolling.
import { attachmentNode } from './attachments.js';
import { renderMessage } from './format.js';
import { deliveryMark } from './icons.js';
import { decorateMentions } from './mentions.js';
import { avatar, dayKey, dayLabel, el, formatFull, formatTime, hueOf } from './util.js';

/** Consecutive messages by one author within this many ms share one header. */
const GROUP_WINDOW_MS = 5 * 60 * 1000;
/** Within this many px of the bottom, new messages keep the view pinned to the bottom. */
const STICK_DISTANCE = 120;

/** @typedef {import('../../src/store/types.js').ChatMessage} ChatMessage */
/** @typedef {import('./state.js').RoomState} RoomState */
/** @typedef {import('./outbox.js').OutboxItem} OutboxItem */
/** @typedef {import('./outbox.js').OutboxState} OutboxState */

/**
 * A message as the view draws it: one the server confirmed, or one of mine still on its way
 * (no id, sender or attachment yet).
 * @typedef {ChatMessage | { id?: undefined, nick: string, text: string, ts: number, attachment?: undefined }} ShownMessage
 */

/**
 * @typedef {object} MessageViewDeps
 * @property {() => unknown} onNearTop  the view was scrolled near the top: load older history
 * @property {(clientId: string) => unknown} onRetry  send a failed message again
 * @property {(clientId: string) => unknown} onDiscard  drop a failed message
 * @property {(node: HTMLElement, message: ShownMessage, own: boolean) => void} [decorate]
 * @property {(name: string) => string} [titleOf]
 */

/**
 * @param {string} id
 * @returns {HTMLElement}  the page's element (index.html has every one the view draws in)
 */
const byId = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

export class MessageView {
  #scroller = byId('messages');
  #list = byId('message-list');
  #pending = byId('pending-list');
  #edge = byId('history-edge');
  #jump = byId('jump');
  #typing = byId('typing');
  /**
   * Elements of rendered messages, reused across renders.
   * @type {WeakMap<ChatMessage, HTMLElement>}
   */
  #elements = new WeakMap();
  /** @type {string | null} */
  #room = null;
  #titleOf;
  /** The signed-in username, for highlighting mentions of me. */
  myName = '';
  /** The room and marker whose divider was last scrolled to (each is scrolled to once). */
  #dividerShown = '';
  /** At the bottom as of the last scroll: a change of size then keeps the latest message in sight. */
  #pinned = true;

  /**
   * `titleOf(name)`: how the room is called in its welcome line ('#general', '@ada' for a DM).
   * @param {MessageViewDeps} deps
   */
  constructor({ onNearTop, onRetry, onDiscard, decorate, titleOf = (name) => `#${name}` }) {
    this.#titleOf = titleOf;
    this.#scroller.addEventListener(
      'scroll',
      () => {
        if (this.#scroller.scrollTop < 150) onNearTop();
        this.#pinned = this.#isNearBottom();
        if (this.#pinned) this.#jump.hidden = true;
      },
      { passive: true },
    );
    // The pane shrinks when a reply or edit bar, an upload or a phone's keyboard opens, and the list
    // grows when an image loads or a message's actions open: whoever was reading the latest message
    // still sees it (a shrink moves no scroll position, so no scroll event says so).
    const keepPinned = new ResizeObserver(() => {
      if (this.#pinned) this.#scroller.scrollTop = this.#scroller.scrollHeight;
    });
    keepPinned.observe(this.#scroller);
    keepPinned.observe(this.#list);
    this.#jump.addEventListener('click', () => this.scrollToBottom());
    this.onRetry = onRetry;
    this.onDiscard = onDiscard;
    /** Adds a confirmed message's reply quote, marks, reactions and actions (message-decor.js). */
    this.decorate = decorate;
  }

  /**
   * Renders a room. `how`: 'reset' (room switch: go to the bottom), 'prepend' (older history came in:
   * keep what the user looks at in place), 'append' (new messages: follow them if at the bottom).
   * @param {RoomState} room
   * @param {OutboxItem[]} pending  my messages in this room the server has not confirmed yet
   * @param {string} me  my account id
   * @param {string} [how]  'reset', 'prepend' or 'append'
   */
  render(room, pending, me, how = 'append') {
    const switched = this.#room !== room.name;
    this.#room = room.name;
    const stick = switched || how === 'reset' || this.#isNearBottom();
    const fromBottom = this.#scroller.scrollHeight - this.#scroller.scrollTop;
    const before = this.#list.childElementCount + this.#pending.childElementCount;

    this.#renderEdge(room);
    // Every id a room lists has its message.
    const messages = /** @type {ChatMessage[]} */ (room.ordered());
    this.#list.replaceChildren(...this.#messageNodes(messages, me, room.dividerAfter));
    this.#pending.replaceChildren(...pending.map((item) => this.#pendingNode(item)));
    const divider = this.#list.querySelector('.new-divider');

    if (how === 'prepend' && !switched) {
      this.#scroller.scrollTop = this.#scroller.scrollHeight - fromBottom;
    } else if (divider && this.#dividerShown !== `${room.name}:${room.dividerAfter}`) {
      // Opening a room with unread messages: start at the first of them (once), not at the bottom.
      this.#dividerShown = `${room.name}:${room.dividerAfter}`;
      divider.scrollIntoView({ block: 'start' });
      this.#jump.hidden = this.#isNearBottom();
    } else if (stick) {
      this.scrollToBottom();
    } else if (this.#list.childElementCount + this.#pending.childElementCount > before) {
      this.#jump.hidden = false;
    }
  }

  scrollToBottom() {
    this.#scroller.scrollTop = this.#scroller.scrollHeight;
    this.#jump.hidden = true;
  }

  /**
   * @param {RoomState} room
   * @param {string} me  my username (I am never shown typing)
   */
  renderTyping(room, me) {
    const now = Date.now();
    const names = [...room.typing].filter(([nick, until]) => until > now && nick !== me).map(([nick]) => nick);
    let text = '';
    if (names.length === 1) text = `${names[0]} is typing…`;
    else if (names.length === 2) text = `${names[0]} and ${names[1]} are typing…`;
    else if (names.length > 2) text = 'Several people are typing…';
    if (this.#typing.textContent !== text) this.#typing.textContent = text;
  }

  /** @param {RoomState} room */
  #renderEdge(room) {
    this.#edge.className = 'history-edge';
    if (room.hasOlder || room.loadingOlder) {
      this.#edge.classList.toggle('loading', room.loadingOlder);
      this.#edge.textContent = room.loadingOlder ? 'Loading earlier messages…' : '';
      return;
    }
    if (!room.loaded) {
      this.#edge.classList.add('loading');
      this.#edge.textContent = 'Loading messages…';
      return;
    }
    this.#edge.replaceChildren(
      el('span', 'edge-title', `Welcome to ${this.#titleOf(room.name)}`),
      el('span', '', room.ids.length > 0 ? 'This is the start of the conversation.' : 'No messages yet. Say hello!'),
    );
  }

  /**
   * `dividerAfter`: the read marker when the room was opened; "New messages" goes above the first unread.
   * @param {ChatMessage[]} messages
   * @param {string} me  my account id
   * @param {number | undefined} dividerAfter
   */
  *#messageNodes(messages, me, dividerAfter) {
    /** @type {ChatMessage | null} */
    let previous = null;
    let divided = dividerAfter === undefined;
    for (const message of messages) {
      // Not divided yet: there is a marker.
      if (!divided && message.id > /** @type {number} */ (dividerAfter) && !isOwn(message, me)) {
        divided = true;
        yield newMessagesDivider();
      }
      if (!previous || dayKey(previous.ts) !== dayKey(message.ts)) {
        yield el('li', 'day', dayLabel(message.ts));
        previous = null;
      }
      let node = this.#elements.get(message);
      if (!node) {
        node = this.#messageNode(message, isOwn(message, me), 'delivered');
        this.#elements.set(message, node);
      }
      node.classList.toggle('grouped', isGrouped(previous, message));
      yield node;
      previous = message;
    }
  }

  /** @param {OutboxItem} item */
  #pendingNode(item) {
    const node = this.#messageNode({ nick: '', text: item.text, ts: item.createdAt }, true, item.state);
    node.dataset.clientId = item.clientId;
    node.classList.add(item.state === 'failed' ? 'failed' : 'pending', 'grouped');
    if (item.state === 'failed') {
      const failure = el('div', 'failure');
      const retry = el('button', 'failure-action', 'Retry');
      const discard = el('button', 'failure-action', 'Delete');
      retry.type = 'button';
      discard.type = 'button';
      retry.addEventListener('click', () => this.onRetry(item.clientId));
      discard.addEventListener('click', () => this.onDiscard(item.clientId));
      failure.append(el('span', '', item.error || 'Not sent.'), retry, discard);
      /** @type {HTMLElement} */ (node.querySelector('.bubble')).append(failure);
    }
    return node;
  }

  /**
   * @param {ShownMessage} message
   * @param {boolean} own
   * @param {OutboxState | 'delivered'} state  of my own message (others' show as received)
   */
  #messageNode(message, own, state) {
    const node = el('li', own ? 'msg own' : 'msg');
    if (message.id !== undefined) node.dataset.id = String(message.id);
    node.dataset.status = own ? state : 'received';
    node.style.setProperty('--hue', String(hueOf(message.nick)));

    const bubble = el('div', 'bubble');
    if (!own) {
      const meta = el('div', 'meta');
      meta.append(el('span', 'nick', message.nick));
      bubble.append(meta);
    }
    const text = el('div', 'text');
    // A message deleted before the store erased files with it may still describe one: never shown.
    if (message.attachment && message.deletedAt === undefined) text.append(attachmentNode(message.attachment));
    const body = el('span', 'body');
    body.append(...renderMessage(message.text));
    text.append(body);
    const foot = el('span', 'foot');
    const time = el('time', '', formatTime(message.ts));
    time.dateTime = new Date(message.ts).toISOString();
    time.title = formatFull(message.ts);
    foot.append(time);
    // A deleted message has nothing left that was delivered: a ✓✓ there would read as "your text arrived".
    if (own && (message.id === undefined || message.deletedAt === undefined)) foot.append(deliveryMark(state));
    text.append(foot);
    bubble.append(text);
    node.append(own ? el('span') : avatar(message.nick), bubble);
    this.decorate?.(node, message, own);
    decorateMentions(node, message, this.myName);
    return node;
  }

  #isNearBottom() {
    const s = this.#scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight < STICK_DISTANCE;
  }
}

function newMessagesDivider() {
  const node = el('li', 'new-divider');
  node.setAttribute('role', 'separator');
  node.append(el('span', 'new-divider-label', 'New messages'));
  return node;
}

/**
 * @param {ChatMessage | null} previous
 * @param {ChatMessage} message
 */
function isGrouped(previous, message) {
  return previous !== null && previous.nick === message.nick && message.ts - previous.ts < GROUP_WINDOW_MS;
}

/** Mine by account id, never by name: another user (or an old message) with the same name is not me. */
/**
 * @param {ChatMessage} message
 * @param {string} myUserId
 */
function isOwn(message, myUserId) {
  return typeof message.userId === 'string' && message.userId === myUserId;
}
