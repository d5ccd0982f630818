import type { ChatStore, NewRoomOptions, RoomInfo } from '../store/index.js';

/**
 * Which rooms exist and who may use them. Rooms are never deleted and never change kind, so a public
 * room is cached forever; private rooms and DMs ask the store each time, as membership changes (and
 * another node sharing the database may have changed it).
 */
export class RoomDirectory {
  readonly #store: ChatStore;
  readonly #publicRooms = new Map<string, RoomInfo>();

  constructor(store: ChatStore) {
    this.#store = store;
  }

  /** The room if `userId` may use it (public, or a member); null if it is absent or closed to them. */
  async accessible(name: string, userId: string | null): Promise<RoomInfo | null> {
    const cached = this.#publicRooms.get(name);
    if (cached) return cached;
    const found = await this.#store.roomAccess(name, userId);
    if (!found) return null;
    if (found.room.kind === 'public') {
      this.#publicRooms.set(name, found.room);
      return found.room;
    }
    return userId !== null && found.member ? found.room : null;
  }

  async create(name: string, options?: NewRoomOptions): Promise<{ room: RoomInfo; created: boolean }> {
    const result = await this.#store.createRoom(name, Date.now(), options);
    if (result.room.kind === 'public') this.#publicRooms.set(name, result.room);
    return result;
  }

  list(userId: string | null): Promise<RoomInfo[]> {
    return this.#store.listRooms(userId);
  }
}
