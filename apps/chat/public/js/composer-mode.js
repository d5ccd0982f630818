// @ts-check
// The composer's two modes besides a plain new message: replying to a message (a quoted preview
// above the input) and editing one of mine (the input holds its text). Escape or ✕ cancels.
import { el } from './util.js';

/** @typedef {import('../../src/store/types.js').ChatMessage} ChatMessage */
/** @typedef {{ kind: 'reply' | 'edit', room: string, message: ChatMessage, draft?: string }} Mode */

/**
 * @typedef {object} ComposerDeps
 * @property {() => string} activeRoom
 * @property {(text: string, replyTo: number) => void} sendReply
 * @property {(id: number, text: string) => Promise<void>} saveEdit  rejects with the reason
 * @property {(message: string) => void} onError
 * @property {() => void} onInputChanged  the input's text was set (resize, counter)
 */

export class ComposerMode {
  // The page's markup has this element (index.html).
  #bar = /** @type {HTMLElement} */ (document.getElementById('composer-context'));
  /** @type {HTMLTextAreaElement} */
  #input;
  /** @type {ComposerDeps} */
  #deps;
  /** @type {Mode | null} */
  #mode = null;

  /**
   * @param {HTMLTextAreaElement} input
   * @param {ComposerDeps} deps
   */
  constructor(input, deps) {
    this.#input = input;
    this.#deps = deps;
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && this.#mode) {
        event.preventDefault();
        this.cancel();
      }
    });
  }

  /** @param {ChatMessage} message */
  replyTo(message) {
    this.#set({ kind: 'reply', room: this.#deps.activeRoom(), message });
  }

  /** @param {ChatMessage} message */
  edit(message) {
    // What was being typed comes back when the edit is done or cancelled.
    const draft = this.#mode?.kind === 'edit' ? this.#mode.draft : this.#input.value;
    this.#set({ kind: 'edit', room: this.#deps.activeRoom(), message, draft });
    this.#setInput(message.text);
  }

  cancel() {
    const mode = this.#mode;
    this.#set(null);
    if (mode?.kind === 'edit') this.#setInput(mode.draft ?? '');
  }

  /**
   * The room on screen changed: a reply or edit belongs to the room it was started in.
   * @param {string} room
   */
  syncRoom(room) {
    if (this.#mode && this.#mode.room !== room) this.cancel();
  }

  /**
   * A message in the room changed: an edit or reply of one that was deleted meanwhile ends.
   * @param {ChatMessage} message
   */
  syncMessage(message) {
    if (this.#mode?.message.id === message?.id && message.deletedAt !== undefined) {
      this.cancel();
      this.#deps.onError('The message was deleted.');
    }
  }

  /**
   * Takes the composer's text if a mode is on; false leaves it to be sent as a new message.
   * @param {string} text
   */
  submit(text) {
    const mode = this.#mode;
    if (!mode) return false;
    if (mode.kind === 'reply') {
      this.#set(null);
      this.#deps.sendReply(text, mode.message.id);
      return true;
    }
    this.#set(null);
    this.#setInput(mode.draft ?? '');
    this.#deps.saveEdit(mode.message.id, text).catch((err) => {
      // Keep the words: back in edit mode with what was typed, and say why it failed.
      this.#set(mode);
      this.#setInput(text);
      this.#deps.onError(err instanceof Error ? err.message : String(err));
    });
    return true;
  }

  /** @param {Mode | null} mode */
  #set(mode) {
    this.#mode = mode;
    this.#bar.hidden = mode === null;
    this.#bar.dataset.kind = mode?.kind ?? '';
    if (!mode) {
      this.#bar.replaceChildren();
      return;
    }
    const label =
      mode.kind === 'reply'
        ? el('span', 'context-label', `Replying to ${mode.message.nick}`)
        : el('span', 'context-label', 'Editing message');
    const quote = el('span', 'context-text', mode.kind === 'reply' ? mode.message.text : 'Enter saves, Escape cancels');
    const cancel = el('button', 'context-cancel', '✕');
    cancel.type = 'button';
    cancel.setAttribute('aria-label', mode.kind === 'reply' ? 'Cancel the reply' : 'Cancel editing');
    cancel.addEventListener('click', () => {
      this.cancel();
      this.#input.focus();
    });
    const words = el('span', 'context-words');
    words.append(label, quote);
    this.#bar.replaceChildren(words, cancel);
    this.#input.focus();
  }

  /** @param {string} text */
  #setInput(text) {
    this.#input.value = text;
    this.#deps.onInputChanged();
  }
}
