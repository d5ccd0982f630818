// @ts-check
// Online / away for this tab: away after `awayAfterMs` (the server's setting, sent on connection)
// without input, or hidden for as long. Only changes are sent; the server lists a person as away
// when every tab of theirs is (src/chat/away.ts).
import { request } from './request.js';

const DEFAULT_AWAY_AFTER_MS = 5 * 60 * 1000;
const INPUT_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart', 'focus'];

export class AwayTracker {
  /** @type {import('./request.js').ChatSocket | null} */
  #socket = null;
  #awayAfterMs = DEFAULT_AWAY_AFTER_MS;
  #lastInput = Date.now();
  /** @type {number | null} */
  #hiddenSince = document.visibilityState === 'hidden' ? Date.now() : null;
  #away = false;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  #timer;

  constructor() {
    for (const type of INPUT_EVENTS) {
      window.addEventListener(type, () => this.#input(), { passive: true, capture: true });
    }
    document.addEventListener('visibilitychange', () => {
      this.#hiddenSince = document.visibilityState === 'hidden' ? Date.now() : null;
      if (this.#hiddenSince === null) this.#input();
    });
  }

  /** @param {import('./request.js').ChatSocket} socket */
  listen(socket) {
    this.#socket = socket;
    socket.on('presence:config', (config) => {
      if (Number.isSafeInteger(config?.awayAfterMs) && config.awayAfterMs > 0) this.#awayAfterMs = config.awayAfterMs;
      this.#schedule();
    });
    // A fresh server-side socket starts online: tell it if this tab is away.
    socket.on('connect', () => {
      if (this.#away) this.#send();
    });
  }

  #input() {
    this.#lastInput = Date.now();
    if (this.#away && document.visibilityState === 'visible') this.#check();
  }

  /** One timer, re-armed for the moment this tab could next turn away. */
  #schedule() {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#check(), Math.max(250, Math.min(this.#awayAfterMs / 4, 15_000)));
  }

  #check() {
    const now = Date.now();
    const idle = now - this.#lastInput >= this.#awayAfterMs;
    const hidden = this.#hiddenSince !== null && now - this.#hiddenSince >= this.#awayAfterMs;
    const away = idle || hidden;
    if (away !== this.#away) {
      this.#away = away;
      // The page's own state, for styling (and for tests to know what the tab reported).
      document.body.dataset.away = String(away);
      this.#send();
    }
    this.#schedule();
  }

  #send() {
    if (!this.#socket?.connected) return;
    request(this.#socket, 'presence:away', { away: this.#away }).catch(() => {});
  }
}
