// @ts-check
// Message search: a panel under the top bar, results from the server's full-text index (the
// 'search' request, see src/chat/search.ts), and the jump from a result to the message in its room,
// loading older history until the message is there.
import { RequestError } from './request.js';
import { dayLabel, delay, el, formatTime } from './util.js';

/** A search starts after the typist pauses this long (or at once on Enter). */
const PAUSE_MS = 400;
/** History pages (50 messages each) loaded at most to reach a result. */
const MAX_JUMP_PAGES = 40;

/** @typedef {import('../../src/store/types.js').ChatMessage} ChatMessage */
/** @typedef {import('../../src/chat/events.js').SearchResult} SearchResult */

/**
 * What the search needs of the chat: its rooms, opening one and loading its older history,
 * how a room is labelled, and requests to the server.
 * @typedef {object} SearchChat
 * @property {string} active  the open room's name
 * @property {Map<string, import('./state.js').RoomState>} rooms
 * @property {(name: string) => Promise<unknown>} openRoom
 * @property {() => Promise<unknown>} loadOlder  the open room's next older page
 * @property {(name: string) => (string | undefined)[]} labelOf  the room's sigil and name first
 * @property {(event: string, ...args: unknown[]) => Promise<any>} request  see request.js
 */

/**
 * @param {string} id
 * @returns {HTMLElement}  the page's element (index.html has every one the panel asks for)
 */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

export class SearchPanel {
  #panel = $('search-panel');
  #toggle = $('search-toggle');
  #input = /** @type {HTMLInputElement} */ ($('search-input'));
  #here = /** @type {HTMLInputElement} */ ($('search-here'));
  #hereName = $('search-here-name');
  #status = $('search-status');
  #results = $('search-results');
  #more = $('search-more');
  #chat;
  #toast;
  /** @type {ReturnType<typeof setTimeout> | 0} */
  #pauseTimer = 0;
  /** The query on screen, its terms, and the id the next page starts before. */
  /** @type {{ query: string, room: string | null, terms: string[], nextBefore: number | null }} */
  #shown = { query: '', room: null, terms: [], nextBefore: null };
  /** Counts searches, so an answer that arrives after a newer search started is ignored. */
  #generation = 0;

  /**
   * @param {object} deps
   * @param {SearchChat} deps.chat
   * @param {(message: string, kind: 'error') => void} deps.toast  says when a result cannot be shown
   */
  constructor({ chat, toast }) {
    this.#chat = chat;
    this.#toast = toast;
    this.#toggle.addEventListener('click', () => (this.#panel.hidden ? this.open() : this.close()));
    $('search-close').addEventListener('click', () => this.close());
    $('search-form').addEventListener('submit', (event) => {
      event.preventDefault();
      this.#search();
    });
    this.#input.addEventListener('input', () => {
      clearTimeout(this.#pauseTimer);
      this.#pauseTimer = setTimeout(() => this.#search(), PAUSE_MS);
    });
    this.#input.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') this.close();
    });
    this.#here.addEventListener('change', () => this.#search());
    this.#more.addEventListener('click', () => this.#search(true));
    this.#results.addEventListener('click', (event) => {
      const hit = /** @type {HTMLElement | null} */ (/** @type {Element} */ (event.target).closest('.search-hit'));
      // Each hit carries its room and id (see #hitNode).
      if (hit) this.jumpTo(/** @type {string} */ (hit.dataset.room), Number(hit.dataset.id));
    });
  }

  open() {
    this.#panel.hidden = false;
    this.#toggle.setAttribute('aria-expanded', 'true');
    const [sigil, name] = this.#chat.labelOf(this.#chat.active);
    this.#hereName.textContent = `${sigil}${name}`;
    this.#input.focus();
    this.#input.select();
  }

  close() {
    clearTimeout(this.#pauseTimer);
    // Hiding the panel would drop a keyboard user's focus on the page's body: back to the magnifier.
    const hadFocus = this.#panel.contains(document.activeElement);
    this.#panel.hidden = true;
    this.#toggle.setAttribute('aria-expanded', 'false');
    if (hadFocus) this.#toggle.focus({ preventScroll: true });
  }

  /**
   * Opens the message's room and shows the message, loading older pages until it is there.
   * @param {string} roomName
   * @param {number} id
   */
  async jumpTo(roomName, id) {
    this.close();
    const chat = this.#chat;
    await chat.openRoom(roomName);
    const room = chat.rooms.get(roomName);
    let pages = 0;
    while (room && !room.messages.has(id) && room.hasOlder && chat.active === roomName && pages < MAX_JUMP_PAGES) {
      // A page the scroll position asked for may be on its way: let it land rather than skip it.
      if (room.loadingOlder) {
        await delay(50);
        continue;
      }
      await chat.loadOlder();
      pages++;
    }
    const node = /** @type {HTMLElement | null} */ (document.querySelector(`#message-list .msg[data-id="${id}"]`));
    if (!node) {
      if (chat.active === roomName) this.#toast('That message is too far back to show here.', 'error');
      return;
    }
    node.scrollIntoView({ block: 'center' });
    node.classList.remove('found');
    // Restart the highlight (a second jump to the same message flashes it again).
    void node.offsetWidth;
    node.classList.add('found');
    node.addEventListener('animationend', () => node.classList.remove('found'), { once: true });
  }

  async #search(more = false) {
    clearTimeout(this.#pauseTimer);
    const query = this.#input.value.trim();
    const room = this.#here.checked ? this.#chat.active : null;
    if (!more && query === '') {
      this.#generation++;
      this.#results.replaceChildren();
      this.#more.hidden = true;
      this.#status.textContent = '';
      return;
    }
    if (more && this.#shown.nextBefore === null) return;
    const generation = ++this.#generation;
    const request = more
      ? {
          query: this.#shown.query,
          before: this.#shown.nextBefore,
          ...(this.#shown.room ? { room: this.#shown.room } : {}),
        }
      : { query, ...(room ? { room } : {}) };
    this.#status.textContent = 'Searching…';
    /** @type {SearchResult} */
    let answer;
    try {
      answer = await this.#chat.request('search', request);
    } catch (err) {
      if (generation !== this.#generation) return;
      this.#status.textContent = err instanceof RequestError || err instanceof Error ? err.message : String(err);
      return;
    }
    if (generation !== this.#generation) return;
    if (!more) {
      this.#shown = { query, room, terms: answer.terms, nextBefore: null };
      this.#results.replaceChildren();
    }
    const messages = Array.isArray(answer.messages) ? answer.messages : [];
    this.#results.append(...messages.map((message) => this.#hitNode(message, this.#shown.terms)));
    this.#shown.nextBefore = answer.hasMore && messages.length > 0 ? messages[messages.length - 1].id : null;
    this.#more.hidden = this.#shown.nextBefore === null;
    const count = this.#results.childElementCount;
    this.#status.textContent =
      count === 0
        ? 'No messages found.'
        : `${count}${answer.hasMore ? '+' : ''} ${count === 1 ? 'message' : 'messages'}`;
  }

  /**
   * @param {ChatMessage} message
   * @param {string[]} terms
   */
  #hitNode(message, terms) {
    const item = el('li');
    const hit = el('button', 'search-hit');
    hit.type = 'button';
    hit.dataset.room = message.room;
    hit.dataset.id = String(message.id);
    const [sigil, name] = this.#chat.labelOf(message.room);
    const meta = el('span', 'hit-meta');
    const when = el('time', '', `${dayLabel(message.ts)} ${formatTime(message.ts)}`);
    when.dateTime = new Date(message.ts).toISOString();
    meta.append(el('span', 'hit-room', `${sigil}${name}`), el('span', 'hit-nick', message.nick), when);
    hit.append(meta, highlighted(message.text, terms));
    item.append(hit);
    return item;
  }
}

/**
 * The text with each word that starts with a search term in <mark>, built as text nodes.
 * @param {string} text
 * @param {string[]} terms
 */
function highlighted(text, terms) {
  const node = el('span', 'hit-text');
  const escaped = terms.map((term) => term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const words =
    escaped.length > 0 ? new RegExp(`(?<![\\p{L}\\p{N}])(?:${escaped.join('|')})[\\p{L}\\p{N}]*`, 'giu') : null;
  let last = 0;
  for (const match of words ? text.matchAll(words) : []) {
    node.append(document.createTextNode(text.slice(last, match.index)), el('mark', '', match[0]));
    last = match.index + match[0].length;
  }
  node.append(document.createTextNode(text.slice(last)));
  return node;
}
