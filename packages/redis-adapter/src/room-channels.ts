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
  // SUBSCRIBEs not yet confirmed (they never reject: RedisLink reports their errors).
  readonly #pending = new Set<Promise<void>>();

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
    if (rooms > 0) return undefined;
    const subscribed = this.#link.subscribe(channel, this.#listener);
    this.#pending.add(subscribed);
    void subscribed.then(() => this.#pending.delete(subscribed));
    return subscribed;
  }

  /**
   * Resolves once the subscriptions in flight are confirmed (or after `timeoutMs`); undefined
   * when none are, or Redis is down. Requests that report room membership (fetchSockets,
   * allSockets) wait for it, so a socket they show in a room is reachable by broadcasts to
   * that room. (With a
   * Redis Cluster, the first subscription on a shard opens a connection to it: a broadcast to
   * the room published meanwhile would miss this node.)
   */
  settled(timeoutMs: number): Promise<void> | undefined {
    // While Redis is down a SUBSCRIBE waits for the reconnection: requests must not.
    if (this.#pending.size === 0 || this.#link.state !== 'up') return undefined;
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      timer.unref();
      void Promise.all(this.#pending).then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
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
