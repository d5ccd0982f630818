import type { ChatStore, RoomInfo } from '../store/index.js';

/**
 * Which rooms exist. Rooms are never deleted, so a positive answer is cached forever; a miss asks
 * the store, because another node sharing the database may have created the room.
 */
export class RoomDirectory {
  readonly #store: ChatStore;
  readonly #known = new Set<string>();

  constructor(store: ChatStore) {
    this.#store = store;
  }

  async exists(name: string): Promise<boolean> {
    if (this.#known.has(name)) return true;
    const found = await this.#store.roomExists(name);
    if (found) this.#known.add(name);
    return found;
  }

  async create(name: string): Promise<{ room: RoomInfo; created: boolean }> {
    const result = await this.#store.createRoom(name, Date.now());
    this.#known.add(name);
    return result;
  }

  list(): Promise<RoomInfo[]> {
    return this.#store.listRooms();
  }
}
