// @ts-check
// What the page knows about one room. Messages are keyed by their server id, so whatever path a
// message arrives by (live broadcast, ack, recovery replay, catch-up, history page) it is shown once.

/** @typedef {import('../../src/store/types.js').ChatMessage} ChatMessage */

export class RoomState {
  /** @param {string} name */
  constructor(name) {
    this.name = name;
    /** @type {Map<number, ChatMessage>} */
    this.messages = new Map();
    /**
     * Message ids in ascending order.
     * @type {number[]}
     */
    this.ids = [];
    /** True once the server sent this room's history (after that, catch-up asks for "after lastId"). */
    this.loaded = false;
    this.hasOlder = false;
    this.loadingOlder = false;
    /** @type {string[]} */
    this.users = [];
    /**
     * nick -> time the "is typing" hint expires
     * @type {Map<string, number>}
     */
    this.typing = new Map();
    /** The room revision this page has every change up to (see message-changes.js). */
    this.rev = 0;
    /**
     * Of `users`, those away (idle or hidden in every tab).
     * @type {string[]}
     */
    this.away = [];
    /** The read marker when the room was opened: the "new messages" divider goes after it. */
    /** @type {number | undefined} */
    this.dividerAfter = undefined;
    /**
     * Changes that came before the room's first page, applied after it (message-changes.js).
     * @type {Map<number, ChatMessage> | undefined}
     */
    this.early = undefined;
  }

  get lastId() {
    return this.ids.length > 0 ? this.ids[this.ids.length - 1] : undefined;
  }

  get firstId() {
    return this.ids.length > 0 ? this.ids[0] : undefined;
  }

  /**
   * Adds messages it does not have yet; returns the new ones.
   * @param {Iterable<unknown>} messages  as received: anything that is not a message is skipped
   * @returns {ChatMessage[]}
   */
  add(messages) {
    const added = [];
    for (const message of messages) {
      if (!isMessage(message) || this.messages.has(message.id)) continue;
      this.messages.set(message.id, message);
      this.#insertId(message.id);
      added.push(message);
    }
    return added;
  }

  ordered() {
    return this.ids.map((id) => this.messages.get(id));
  }

  /** @param {number} id */
  #insertId(id) {
    const ids = this.ids;
    // Live messages arrive in order: appending is the common case.
    if (ids.length === 0 || id > ids[ids.length - 1]) {
      ids.push(id);
      return;
    }
    let low = 0;
    let high = ids.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (ids[mid] < id) low = mid + 1;
      else high = mid;
    }
    ids.splice(low, 0, id);
  }
}

/**
 * @param {any} value
 * @returns {value is ChatMessage}
 */
function isMessage(value) {
  return (
    typeof value === 'object' &&
    value !== null &&
    Number.isSafeInteger(value.id) &&
    typeof value.room === 'string' &&
    typeof value.nick === 'string' &&
    typeof value.text === 'string' &&
    typeof value.ts === 'number'
  );
}
