// @ts-check
// What a person can do to a message already sent: edit or delete it, react to it, reply to it and
// jump to the original of a reply; and a private room's owner's moderation. Requests go through the
// chat's socket; the answers (and everyone else's changes) arrive as message states (chat.js).

/** Older pages loaded at most to reach the original of a reply (50 messages each). */
const MAX_JUMP_PAGES = 40;

export class MessageActions {
  /** @type {import('./chat.js').Chat} */
  #chat;

  /** @param {import('./chat.js').Chat} chat */
  constructor(chat) {
    this.#chat = chat;
  }

  /** Edits one of my messages. Throws RequestError on refusal. */
  /**
   * @param {number} id
   * @param {string} text
   */
  async edit(id, text) {
    const { message } = await this.#chat.ask('message:edit', { room: this.#chat.active, id, text });
    this.#chat.applyChange(message);
  }

  /** Deletes a message (mine, or any as the private room's owner). Throws RequestError on refusal. */
  /** @param {number} id */
  async delete(id) {
    const { message } = await this.#chat.ask('message:delete', { room: this.#chat.active, id });
    this.#chat.applyChange(message);
  }

  /** Adds (`on`) or removes my reaction. Throws RequestError on refusal. */
  /**
   * @param {number} id
   * @param {string} emoji
   * @param {boolean} on
   */
  async react(id, emoji, on) {
    const { message } = await this.#chat.ask('message:react', { room: this.#chat.active, id, emoji, on });
    this.#chat.applyChange(message);
  }

  /**
   * Removes `username` from the active private room (its owner only); resolves with the account as
   * the server spells it. Throws RequestError on refusal.
   * @param {string} username
   */
  async removeMember(username) {
    return (await this.#chat.ask('room:remove', { room: this.#chat.active, username })).user;
  }

  /** Loads older history of the active room until message `id` is in it; false if it never came. */
  /** @param {number} id */
  async loadUntil(id) {
    const room = this.#chat.activeRoom;
    for (let pages = 0; !room.messages.has(id) && room.hasOlder && pages < MAX_JUMP_PAGES; pages++) {
      const before = room.firstId;
      await this.#chat.loadOlder();
      if (room.firstId === before) break;
    }
    return room.messages.has(id);
  }

  /** True when I may delete any message of the active room (I own it and it is private). */
  get moderatesActive() {
    const info = this.#chat.roomInfo.get(this.#chat.active);
    return info?.kind === 'private' && info.ownerId === this.#chat.userId;
  }
}
