// @ts-check
// Delivers the outbox: one message at a time, in the order written, pausing on connection trouble
// and waiting out the server's rate limit. A message whose fate is unknown is sent again later;
// its clientId lets the server recognise it, so a resend never doubles it.
import { RequestError } from './request.js';
import { delay } from './util.js';

/** @typedef {import('./outbox.js').OutboxItem} OutboxItem */
/** @typedef {import('./outbox.js').OutboxState} OutboxState */
/** @typedef {import('../../src/store/types.js').ChatMessage} ChatMessage */
/** @typedef {Pick<import('./outbox.js').Outbox, 'nextQueued' | 'mark' | 'remove'>} SenderOutbox */

const RETRY_AFTER_TIMEOUT_MS = 2000;

export class Sender {
  #flushing = false;
  /** @type {SenderOutbox} */
  #outbox;
  /** @type {(item: OutboxItem) => Promise<{ message: ChatMessage }>} */
  #send;
  /** @type {() => boolean} */
  #connected;
  /** @type {(message: ChatMessage) => void} */
  #onStored;
  /** @type {(room: string) => void} */
  #onChange;
  /** @type {(message: string) => void} */
  #onError;

  /**
   * @param {object} deps
   * @param {SenderOutbox} deps.outbox  the queue: only these three of its methods are used
   * @param {(item: OutboxItem) => Promise<{ message: ChatMessage }>} deps.send  sends one item, resolves with the ack
   * @param {() => boolean} deps.connected
   * @param {(message: ChatMessage) => void} deps.onStored   the server stored it (the ack's message)
   * @param {(room: string) => void} deps.onChange      an item of this room changed state
   * @param {(message: string) => void} deps.onError    something to tell the user
   */
  constructor({ outbox, send, connected, onStored, onChange, onError }) {
    this.#outbox = outbox;
    this.#send = send;
    this.#connected = connected;
    this.#onStored = onStored;
    this.#onChange = onChange;
    this.#onError = onError;
  }

  /** Sends queued messages; safe to call any time (one loop runs at once). */
  async flush() {
    if (this.#flushing) return;
    this.#flushing = true;
    try {
      while (this.#connected()) {
        const item = this.#outbox.nextQueued();
        if (!item) break;
        if (!(await this.#sendOne(item))) break;
      }
    } finally {
      this.#flushing = false;
    }
  }

  /**
   * Returns false when sending should pause (connection trouble).
   * @param {OutboxItem} item
   */
  async #sendOne(item) {
    this.#mark(item, 'sent');
    try {
      const { message } = await this.#send(item);
      this.#outbox.remove(item.clientId);
      this.#onStored(message);
      this.#onChange(item.room);
      return true;
    } catch (err) {
      if (!(err instanceof RequestError) || err.code === 'TIMEOUT') {
        this.#mark(item, 'queued');
        if (this.#connected()) setTimeout(() => this.flush(), RETRY_AFTER_TIMEOUT_MS);
        return false;
      }
      if (err.code === 'RATE_LIMITED') {
        this.#mark(item, 'queued');
        this.#onError(err.message);
        await delay(err.retryAfterMs ?? 1000);
        return true;
      }
      // Refused for good (too long, unknown room...): the user decides to retry or delete.
      this.#mark(item, 'failed', err.message);
      this.#onError(err.message);
      return true;
    }
  }

  /**
   * @param {OutboxItem} item
   * @param {OutboxState} state
   * @param {string} [error]
   */
  #mark(item, state, error) {
    this.#outbox.mark(item, state, error);
    this.#onChange(item.room);
  }
}
