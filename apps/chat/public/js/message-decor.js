// @ts-check
// The parts of a message that follow from its changes: the quoted original of a reply, the
// "edited" mark, the "message deleted" placeholder, reaction chips with who reacted, and the
// actions (react, reply, edit, delete). Built from DOM nodes; user text is only ever textContent.
import { renderExcerpt } from './format.js';
import { REACTION_EMOJI, reactionsOf } from './message-changes.js';
import { el, formatFull } from './util.js';

/** Characters of the original a reply's quote shows (the server sends up to rules.replyPreviewLength). */
const REPLY_EXCERPT_LENGTH = 100;

/** @typedef {import('../../src/store/types.js').ChatMessage} ChatMessage */
/** @typedef {import('../../src/store/types.js').ReplyPreview} ReplyPreview */
/** @typedef {ReturnType<typeof reactionsOf>[number]} ShownReaction */

/**
 * @typedef {object} MessageDecorDeps
 * @property {() => string} myName          my username (reactions are listed by username)
 * @property {() => boolean} moderates      true when I may delete anyone's message in this room
 * @property {(id: number, emoji: string, on: boolean) => void} onReact
 * @property {(message: ChatMessage) => void} onReply
 * @property {(message: ChatMessage) => void} onEdit
 * @property {(message: ChatMessage) => void} onDelete
 * @property {(id: number) => void} onJump  show the original of a reply
 */

export class MessageDecor {
  #deps;

  /** @param {MessageDecorDeps} deps */
  constructor(deps) {
    this.#deps = deps;
    // One listener for every open reaction picker: a click elsewhere or Escape closes it.
    document.addEventListener('click', (event) => {
      if (!(event.target instanceof Element) || !event.target.closest('.reaction-picker, .action-react'))
        closePickers();
      if (!(event.target instanceof Element) || !event.target.closest('.msg')) closeActions();
    });
    document.addEventListener('keydown', (event) => {
      if (event.key !== 'Escape') return;
      // From inside a picker, the focus goes back to the button that opened it, not to the body.
      const opener = document.activeElement?.closest('.msg-actions')?.querySelector('.action-react');
      closePickers();
      if (opener instanceof HTMLElement) opener.focus({ preventScroll: true });
    });
  }

  /**
   * Adds the extras to a confirmed message's element (pending ones have no id and get none).
   * @param {HTMLElement} node  as message-view.js built it: a bubble holding the text, its body and foot
   * @param {import('./message-view.js').ShownMessage} shown
   * @param {boolean} own
   */
  decorate(node, shown, own) {
    if (shown.id === undefined) return;
    // With an id, it is a message the server confirmed.
    const message = /** @type {ChatMessage} */ (shown);
    const bubble = /** @type {HTMLElement} */ (node.querySelector('.bubble'));
    const text = /** @type {HTMLElement} */ (bubble.querySelector('.text'));
    const body = /** @type {HTMLElement} */ (text.querySelector('.body'));
    if (message.deletedAt !== undefined) {
      node.classList.add('deleted');
      body.textContent = 'This message was deleted.';
      return;
    }
    if (message.reply) text.before(this.#quote(message.reply));
    if (message.editedAt !== undefined) {
      const mark = el('span', 'edited', 'edited');
      mark.title = `Edited ${formatFull(message.editedAt)}`;
      /** @type {HTMLElement} */ (text.querySelector('.foot')).prepend(mark);
    }
    const reactions = reactionsOf(message, this.#deps.myName());
    if (reactions.length > 0) bubble.append(this.#reactions(message, reactions));
    node.append(this.#actions(message, own));
    // Touch screens have no hover: a tap on the message shows its actions.
    bubble.addEventListener('click', (event) => {
      if (event.target instanceof Element && event.target.closest('button, a')) return;
      const open = !node.classList.contains('actions-open');
      closeActions();
      node.classList.toggle('actions-open', open);
    });
  }

  /** @param {ReplyPreview} reply */
  #quote(reply) {
    const quote = el('button', 'reply-quote');
    quote.type = 'button';
    quote.append(el('span', 'reply-nick', reply.nick));
    if (reply.deleted) {
      quote.append(el('span', 'reply-text deleted', 'Original message deleted'));
    } else {
      // Formatted like the message itself (never its raw marks), on one or two lines at most.
      const excerpt = el('span', 'reply-text');
      excerpt.append(...renderExcerpt(reply.text, REPLY_EXCERPT_LENGTH));
      quote.append(excerpt);
    }
    quote.setAttribute(
      'aria-label',
      reply.deleted ? 'Reply to a deleted message' : `Show the message from ${reply.nick}`,
    );
    quote.addEventListener('click', () => this.#deps.onJump(reply.id));
    return quote;
  }

  /**
   * @param {ChatMessage} message
   * @param {ShownReaction[]} reactions
   */
  #reactions(message, reactions) {
    const bar = el('div', 'reactions');
    for (const reaction of reactions) {
      const count = reaction.usernames.length;
      const chip = el('button', 'reaction');
      chip.type = 'button';
      chip.setAttribute('aria-pressed', String(reaction.mine));
      chip.append(el('span', 'reaction-emoji', reaction.emoji), el('span', 'reaction-count', String(count)));
      const who = reaction.usernames.join(', ');
      chip.title = `${who} reacted with ${reaction.emoji}`;
      chip.setAttribute(
        'aria-label',
        `${reaction.emoji} ${count}: ${who}. ${reaction.mine ? 'Remove your reaction' : 'Add your reaction'}`,
      );
      chip.addEventListener('click', () => this.#deps.onReact(message.id, reaction.emoji, !reaction.mine));
      bar.append(chip);
    }
    return bar;
  }

  /**
   * @param {ChatMessage} message
   * @param {boolean} own
   */
  #actions(message, own) {
    const bar = el('div', 'msg-actions');
    bar.setAttribute('role', 'toolbar');
    bar.setAttribute('aria-label', 'Message actions');
    const react = actionButton('action-react', '☺', 'Add a reaction');
    react.setAttribute('aria-haspopup', 'true');
    react.setAttribute('aria-expanded', 'false');
    react.addEventListener('click', () => {
      const open = bar.querySelector('.reaction-picker');
      closePickers();
      if (!open) {
        bar.append(this.#picker(message));
        react.setAttribute('aria-expanded', 'true');
        /** @type {HTMLButtonElement | null} */ (bar.querySelector('.reaction-picker button'))?.focus();
      }
    });
    const reply = actionButton('action-reply', '↩', 'Reply');
    reply.addEventListener('click', () => this.#deps.onReply(message));
    bar.append(react, reply);
    if (own) {
      const edit = actionButton('action-edit', '✎', 'Edit');
      edit.addEventListener('click', () => this.#deps.onEdit(message));
      bar.append(edit);
    }
    if (own || this.#deps.moderates()) {
      const remove = actionButton('action-delete', '🗑', own ? 'Delete' : 'Delete (as the room owner)');
      remove.addEventListener('click', () => this.#deps.onDelete(message));
      bar.append(remove);
    }
    return bar;
  }

  /** @param {ChatMessage} message */
  #picker(message) {
    const picker = el('div', 'reaction-picker');
    picker.setAttribute('role', 'menu');
    const mine = new Set(
      reactionsOf(message, this.#deps.myName())
        .filter((reaction) => reaction.mine)
        .map((reaction) => reaction.emoji),
    );
    for (const emoji of REACTION_EMOJI) {
      const choice = el('button', 'reaction-choice', emoji);
      choice.type = 'button';
      choice.setAttribute('role', 'menuitem');
      choice.setAttribute('aria-label', `${mine.has(emoji) ? 'Remove' : 'React with'} ${emoji}`);
      choice.addEventListener('click', () => {
        closePickers();
        this.#deps.onReact(message.id, emoji, !mine.has(emoji));
      });
      picker.append(choice);
    }
    return picker;
  }
}

/**
 * Scrolls a message into view and highlights it briefly; false when it is not on the page.
 * @param {number} id
 */
export function reveal(id) {
  const node = /** @type {HTMLElement | null} */ (
    document.querySelector(`#message-list .msg[data-id="${Number(id)}"]`)
  );
  if (!node) return false;
  node.scrollIntoView({ block: 'center' });
  node.classList.remove('flash');
  // Restart the highlight animation when the same message is revealed twice in a row.
  void node.offsetWidth;
  node.classList.add('flash');
  return true;
}

/**
 * @param {string} className
 * @param {string} symbol
 * @param {string} label
 */
function actionButton(className, symbol, label) {
  const button = el('button', `msg-action ${className}`, symbol);
  button.type = 'button';
  button.title = label;
  button.setAttribute('aria-label', label);
  return button;
}

function closePickers() {
  for (const picker of document.querySelectorAll('.reaction-picker')) {
    picker.parentElement?.querySelector('.action-react')?.setAttribute('aria-expanded', 'false');
    picker.remove();
  }
}

function closeActions() {
  for (const node of document.querySelectorAll('.msg.actions-open')) node.classList.remove('actions-open');
}
