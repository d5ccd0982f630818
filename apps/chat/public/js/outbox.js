// @ts-check
// Messages the user wrote that the server has not confirmed yet. Kept in localStorage, so neither
// a dropped connection nor a reload loses them; each carries a clientId, so a resend of a message
// the server did store is recognised there and not stored twice.
import { loadJson, newClientId, saveJson } from './util.js';

const KEY = 'parley.outbox';

/** @typedef {'queued' | 'sent' | 'failed'} OutboxState */
/** @typedef {{ clientId: string, room: string, text: string, createdAt: number, state: OutboxState, error?: string, replyTo?: number }} OutboxItem */

export class Outbox {
  /** @type {OutboxItem[]} */
  #items;
  /**
   * Messages this tab has on the wire: handed back to the other tabs if this one closes first.
   * @type {Set<string>}
   */
  #inFlight = new Set();
  /** Called when another tab of this browser changed the shared queue. */
  onExternalChange = () => {};

  constructor() {
    this.#items = load();
    // A message that was in flight when the page closed has an unknown fate: send it again.
    for (const item of this.#items) if (item.state === 'sent') item.state = 'queued';
    // Every tab of the browser shares one queue in localStorage. Each change is applied to what is
    // stored *now* (never a tab's own stale copy), so two tabs cannot overwrite each other's messages.
    window.addEventListener('storage', (event) => {
      if (event.key !== KEY) return;
      this.#items = load();
      this.onExternalChange();
    });
    window.addEventListener('pagehide', () => {
      if (this.#inFlight.size === 0) return;
      this.#update((items) => {
        for (const item of items) if (this.#inFlight.has(item.clientId) && item.state === 'sent') item.state = 'queued';
      });
    });
  }

  /**
   * @param {string} room
   * @param {string} text
   * @param {number} [replyTo]  the id of the message this one answers
   * @returns {OutboxItem}
   */
  add(room, text, replyTo) {
    /** @type {OutboxItem} */
    const item = { clientId: newClientId(), room, text, createdAt: Date.now(), state: 'queued' };
    if (replyTo !== undefined) item.replyTo = replyTo;
    this.#update((items) => items.push({ ...item }));
    return this.get(item.clientId) ?? item;
  }

  /** @param {string} room */
  forRoom(room) {
    return this.#items.filter((item) => item.room === room);
  }

  /** @param {string} clientId */
  get(clientId) {
    return this.#items.find((item) => item.clientId === clientId);
  }

  nextQueued() {
    return this.#items.find((item) => item.state === 'queued');
  }

  get queuedCount() {
    return this.#items.filter((item) => item.state !== 'failed').length;
  }

  /**
   * @param {OutboxItem} item
   * @param {OutboxState} state
   * @param {string} [error]  why a failed message was refused
   */
  mark(item, state, error) {
    if (state === 'sent') this.#inFlight.add(item.clientId);
    else this.#inFlight.delete(item.clientId);
    /** @param {OutboxItem} target */
    const apply = (target) => {
      target.state = state;
      if (error) target.error = error;
      else delete target.error;
    };
    apply(item);
    this.#update((items) => {
      const stored = items.find((candidate) => candidate.clientId === item.clientId);
      if (stored) apply(stored);
    });
  }

  /**
   * Forgets a message; returns whether it was there.
   * @param {string} clientId
   */
  remove(clientId) {
    this.#inFlight.delete(clientId);
    let found = false;
    this.#update((items) => {
      const index = items.findIndex((item) => item.clientId === clientId);
      if (index === -1) return;
      items.splice(index, 1);
      found = true;
    });
    return found;
  }

  /** Forgets every message (on sign-out: the next user must not send them). */
  clear() {
    this.#inFlight.clear();
    this.#update((items) => items.splice(0));
  }

  /**
   * Read, change, write: localStorage calls are synchronous, so no other tab runs in between.
   * @param {(items: OutboxItem[]) => void} change
   */
  #update(change) {
    const items = load();
    change(items);
    saveJson(KEY, items);
    this.#items = items;
  }
}

/** @returns {OutboxItem[]} */
function load() {
  const saved = loadJson(KEY, []);
  return Array.isArray(saved) ? saved.filter(isItem) : [];
}

/**
 * @param {any} value
 * @returns {value is OutboxItem}
 */
function isItem(value) {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof value.clientId === 'string' &&
    typeof value.room === 'string' &&
    typeof value.text === 'string' &&
    typeof value.createdAt === 'number'
  );
}
