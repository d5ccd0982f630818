// @ts-check
// @mentions on the page: finding them in text (the server's rule, src/chat/mentions.ts), marking
// them in a rendered message, and suggesting people while "@name" is typed in the message box.
import { avatar, el } from './util.js';

// "@name" not inside a word or an e-mail address; trailing dots and dashes end a sentence, not a name.
const MENTION = /(?<![A-Za-z0-9_.@-])@([A-Za-z0-9_.-]{2,24})/g;
/** The "@prefix" being typed right before the caret. */
const TYPING_MENTION = /(?:^|[^A-Za-z0-9_.@-])@([A-Za-z0-9_.-]{0,24})$/;
const MAX_SUGGESTIONS = 6;

/**
 * The names a matched "@name" may mean: as written, and without a sentence's trailing dots and dashes.
 * @param {string} match
 */
function namesIn(match) {
  const name = match.toLowerCase();
  return [name, name.replace(/[.-]+$/, '')];
}

/**
 * Whether `text` mentions the username `me` (case-insensitively).
 * @param {unknown} text  as received: anything but a string mentions no one
 * @param {string} me
 */
export function mentionsMe(text, me) {
  if (typeof text !== 'string' || !me || !text.includes('@')) return false;
  const mine = me.toLowerCase();
  for (const match of text.matchAll(MENTION)) if (namesIn(match[1]).includes(mine)) return true;
  return false;
}

/**
 * Wraps each "@name" in the message's text nodes in a span (built as nodes, never as HTML), and
 * marks the whole message when one of them is me. Runs over whatever the body holds, so formatting
 * built elsewhere stays; code is left alone.
 * @param {HTMLElement} node  the message's element
 * @param {{ text: string }} message
 * @param {string} me  my username ('' before sign-in: nothing is mine)
 */
export function decorateMentions(node, message, me) {
  const body = node.querySelector('.body');
  if (!body || !message.text?.includes('@')) return;
  const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
  /** @type {Text[]} */
  const texts = [];
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    // SHOW_TEXT: the walker yields text nodes only.
    if (!text.parentElement?.closest('code, pre, a')) texts.push(/** @type {Text} */ (text));
  }
  let mine = false;
  for (const text of texts) {
    const value = text.nodeValue ?? '';
    const parts = [];
    let last = 0;
    for (const match of value.matchAll(MENTION)) {
      const isMe = Boolean(me) && namesIn(match[1]).includes(me.toLowerCase());
      mine ||= isMe;
      // Keep a sentence's final dot outside the highlight.
      const name = match[1].replace(/[.-]+$/, '');
      parts.push(document.createTextNode(value.slice(last, match.index)));
      parts.push(el('span', isMe ? 'mention me' : 'mention', `@${name}`));
      last = match.index + 1 + name.length;
    }
    if (parts.length === 0) continue;
    parts.push(document.createTextNode(value.slice(last)));
    text.replaceWith(...parts);
  }
  node.classList.toggle('mentions-me', mine);
}

/**
 * @typedef {object} MentionSuggestDeps
 * @property {HTMLTextAreaElement | HTMLInputElement} input  the message box
 * @property {HTMLElement} list  the (initially hidden) list the suggestions are shown in
 * @property {HTMLElement} form  the message box's form (its keys are caught before the box's own)
 * @property {() => string[]} candidates
 */

/**
 * The suggestion list under the message box. `candidates()` gives the usernames to offer (the
 * room's people); `pick` puts the chosen one in the box.
 */
export class MentionSuggest {
  #input;
  #list;
  #candidates;
  /** @type {string[]} */
  #shown = [];
  #index = 0;
  #start = -1;

  /** @param {MentionSuggestDeps} deps */
  constructor({ input, list, form, candidates }) {
    this.#input = input;
    this.#list = list;
    this.#candidates = candidates;
    input.addEventListener('input', () => this.update());
    input.addEventListener('click', () => this.update());
    input.addEventListener('blur', () => setTimeout(() => this.close(), 150));
    // Capturing on the form runs before the message box's own Enter-to-send.
    form.addEventListener('keydown', (event) => this.#onKey(event), true);
  }

  get open() {
    return !this.#list.hidden;
  }

  update() {
    const before = this.#input.value.slice(0, this.#input.selectionStart ?? this.#input.value.length);
    const match = TYPING_MENTION.exec(before);
    if (!match) {
      this.close();
      return;
    }
    const prefix = match[1].toLowerCase();
    this.#start = before.length - match[1].length - 1;
    this.#shown = this.#candidates()
      .filter((name) => name.toLowerCase().startsWith(prefix))
      .slice(0, MAX_SUGGESTIONS);
    // A name typed out in full needs no list (and Enter then sends, as without one).
    if (this.#shown.length === 0 || (this.#shown.length === 1 && this.#shown[0].toLowerCase() === prefix)) {
      this.close();
      return;
    }
    this.#index = Math.min(this.#index, this.#shown.length - 1);
    this.#render();
  }

  close() {
    this.#list.hidden = true;
    this.#list.replaceChildren();
    this.#input.removeAttribute('aria-activedescendant');
    this.#index = 0;
  }

  /** @param {string} name */
  pick(name) {
    const value = this.#input.value;
    const caret = this.#input.selectionStart ?? value.length;
    const inserted = `@${name} `;
    this.#input.value = value.slice(0, this.#start) + inserted + value.slice(caret);
    const position = this.#start + inserted.length;
    this.#input.setSelectionRange(position, position);
    this.close();
    this.#input.dispatchEvent(new Event('input', { bubbles: true }));
    this.#input.focus();
  }

  /** @param {KeyboardEvent} event */
  #onKey(event) {
    if (!this.open || event.isComposing) return;
    /** @type {Record<string, number>} */
    const handled = { ArrowDown: 1, ArrowUp: -1, Enter: 0, Tab: 0, Escape: 0 };
    if (!(event.key in handled)) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    if (event.key === 'Escape') this.close();
    else if (event.key === 'Enter' || event.key === 'Tab') this.pick(this.#shown[this.#index]);
    else {
      this.#index = (this.#index + handled[event.key] + this.#shown.length) % this.#shown.length;
      this.#render();
    }
  }

  #render() {
    const items = this.#shown.map((name, i) => {
      const item = el('div', i === this.#index ? 'suggestion selected' : 'suggestion');
      item.id = `mention-option-${i}`;
      item.setAttribute('role', 'option');
      item.setAttribute('aria-selected', String(i === this.#index));
      item.append(avatar(name, 'avatar small'), el('span', 'suggestion-name', `@${name}`));
      // pointerdown, not click: the box keeps its focus (and the caret) while choosing.
      item.addEventListener('pointerdown', (event) => {
        event.preventDefault();
        this.pick(name);
      });
      return item;
    });
    this.#list.replaceChildren(...items);
    this.#list.hidden = false;
    this.#input.setAttribute('aria-activedescendant', `mention-option-${this.#index}`);
  }
}
