// Messages the user wrote that the server has not confirmed yet. Kept in localStorage, so neither
// a dropped connection nor a reload loses them; each carries a clientId, so a resend of a message
// the server did store is recognised there and not stored twice.
import { loadJson, newClientId, saveJson } from './util.js';

const KEY = 'parley.outbox';

/** @typedef {{ clientId: string, room: string, text: string, createdAt: number, state: 'queued' | 'sent' | 'failed', error?: string }} OutboxItem */

export class Outbox {
  /** @type {OutboxItem[]} */
  #items;

  constructor() {
    const saved = loadJson(KEY, []);
    this.#items = Array.isArray(saved) ? saved.filter(isItem) : [];
    // A message that was in flight when the page closed has an unknown fate: send it again.
    for (const item of this.#items) if (item.state === 'sent') item.state = 'queued';
  }

  add(room, text) {
    const item = { clientId: newClientId(), room, text, createdAt: Date.now(), state: 'queued' };
    this.#items.push(item);
    this.#save();
    return item;
  }

  forRoom(room) {
    return this.#items.filter((item) => item.room === room);
  }

  get(clientId) {
    return this.#items.find((item) => item.clientId === clientId);
  }

  nextQueued() {
    return this.#items.find((item) => item.state === 'queued');
  }

  get queuedCount() {
    return this.#items.filter((item) => item.state !== 'failed').length;
  }

  mark(item, state, error) {
    item.state = state;
    if (error) item.error = error;
    else delete item.error;
    this.#save();
  }

  /** Forgets a message; returns whether it was there. */
  remove(clientId) {
    const index = this.#items.findIndex((item) => item.clientId === clientId);
    if (index === -1) return false;
    this.#items.splice(index, 1);
    this.#save();
    return true;
  }

  /** Forgets every message (on sign-out: the next user must not send them). */
  clear() {
    this.#items = [];
    this.#save();
  }

  #save() {
    saveJson(KEY, this.#items);
  }
}

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
