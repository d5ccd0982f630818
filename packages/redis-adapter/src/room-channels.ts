/**
 * Dynamic and sharded modes: this node listens on a room's channel only while it has local
 * sockets in the room. Driven by the in-memory adapter's `create-room` / `delete-room` events.
 */
import type { Room } from '@parley/server';
import { hasOwnChannel } from './channels.js';
import type { FrameListener, RedisLink } from './redis-link.js';

export class RoomChannels {
  readonly #link: RedisLink;
  readonly #channelOf: (room: Room) => string;
  readonly #listener: FrameListener;
  // Rooms per channel: room 1 and room '1' share a channel.
  readonly #subscribed = new Map<string, number>();

  constructor(link: RedisLink, channelOf: (room: Room) => string, listener: FrameListener) {
    this.#link = link;
    this.#channelOf = channelOf;
    this.#listener = listener;
  }

  /** A room got its first local socket. */
  add(room: Room): Promise<void> | undefined {
    if (!hasOwnChannel(room)) return undefined;
    const channel = this.#channelOf(room);
    const rooms = this.#subscribed.get(channel) ?? 0;
    this.#subscribed.set(channel, rooms + 1);
    return rooms === 0 ? this.#link.subscribe(channel, this.#listener) : undefined;
  }

  /** A room lost its last local socket. */
  remove(room: Room): Promise<void> | undefined {
    if (!hasOwnChannel(room)) return undefined;
    const channel = this.#channelOf(room);
    const rooms = this.#subscribed.get(channel);
    if (rooms === undefined) return undefined;
    if (rooms > 1) {
      this.#subscribed.set(channel, rooms - 1);
      return undefined;
    }
    this.#subscribed.delete(channel);
    return this.#link.unsubscribe(channel, this.#listener);
  }

  /** Leaves every room channel (the adapter closes). */
  async clear(): Promise<void> {
    const channels = [...this.#subscribed.keys()];
    this.#subscribed.clear();
    await Promise.all(channels.map((channel) => this.#link.unsubscribe(channel, this.#listener)));
  }

  get size(): number {
    return this.#subscribed.size;
  }
}
