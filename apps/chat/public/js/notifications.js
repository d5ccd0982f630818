// @ts-check
// Desktop notifications for mentions of me and direct messages, while the tab is hidden. The
// permission is only ever asked from the "Enable notifications" button (a user action), never on
// load; muted rooms never notify. Several tabs of one account each see the event: the notification
// tag (the message id) makes the system show it once.
import { mentionsMe } from './mentions.js';

/** Ids already notified (bounded): a message arrives both as a room broadcast and as a notice. */
const REMEMBERED = 200;

/**
 * @typedef {object} NotifierDeps
 * @property {HTMLButtonElement} button     the "Enable notifications" button
 * @property {() => string} myId
 * @property {() => string} myName
 * @property {(room: string) => boolean} muted
 * @property {(room: string) => boolean} isDm
 * @property {(room: string) => string} label   how the room is called ('#name', '@other')
 * @property {(room: string) => void} open      shows the room (notification clicked)
 */

export class Notifier {
  /** @type {HTMLButtonElement} */
  #button;
  /** @type {NotifierDeps} */
  #deps;
  /** @type {Set<number>} */
  #seen = new Set();

  /** @param {NotifierDeps} deps */
  constructor(deps) {
    this.#deps = deps;
    this.#button = deps.button;
    this.#button.addEventListener('click', async () => {
      await Notification.requestPermission();
      this.#renderButton();
    });
    this.#renderButton();
  }

  /** @param {import('./request.js').ChatSocket} socket */
  listen(socket) {
    socket.on('message', (message) => {
      if (this.#deps.isDm(message?.room)) this.#consider(message, 'dm');
      else if (mentionsMe(message?.text, this.#deps.myName())) this.#consider(message, 'mention');
    });
    socket.on('notify', (event) => this.#consider(event?.message, event?.reason));
  }

  #renderButton() {
    this.#button.hidden = !('Notification' in window) || Notification.permission !== 'default';
  }

  /**
   * @param {import('../../src/store/types.js').ChatMessage | undefined} message  as received
   * @param {'mention' | 'dm' | undefined} reason
   */
  #consider(message, reason) {
    if (typeof message?.room !== 'string' || !Number.isSafeInteger(message.id)) return;
    if (message.userId === this.#deps.myId() || this.#seen.has(message.id)) return;
    this.#seen.add(message.id);
    // Over the bound, the set holds at least one id: the oldest goes.
    if (this.#seen.size > REMEMBERED) this.#seen.delete(/** @type {number} */ (this.#seen.values().next().value));
    if (document.visibilityState !== 'hidden' || this.#deps.muted(message.room)) return;
    if (!('Notification' in window) || Notification.permission !== 'granted') return;
    const from = `@${message.username ?? message.nick}`;
    const title = reason === 'dm' ? from : `${from} mentioned you in ${this.#deps.label(message.room)}`;
    const notification = new Notification(title, { body: message.text.slice(0, 200), tag: `parley-${message.id}` });
    notification.addEventListener('click', () => {
      window.focus();
      this.#deps.open(message.room);
      notification.close();
    });
  }
}
