/**
 * The adapter's two Redis connections (one publishes and runs commands, one subscribes), shared
 * by the adapters of every namespace of a server. It turns the clients' connection events into
 * one state, `up` (both ready) or `down`, and never queues a publish while down: node-redis
 * would replay a stale backlog after the outage, so broadcasts then reach local sockets only.
 */
import { EventEmitter } from 'node:events';
import { RESP_TYPES } from '@redis/client';
import {
  type AnyRedisClient,
  type CommandRunner,
  commandRunner,
  type FrameListener,
  type ListenerToRemove,
} from './redis-clients.js';

export type { AnyRedisClient, FrameListener, RedisClientLike, RedisClusterLike } from './redis-clients.js';

export type LinkState = 'up' | 'down';
export type ClientRole = 'pub' | 'sub';

const BUFFER_REPLIES = { typeMapping: { [RESP_TYPES.BLOB_STRING]: Buffer } };
// A standalone client reports `ready`, `end` and `reconnecting`; a cluster client `connect` and
// `disconnect` (it reconnects its node connections by itself).
const STATE_EVENTS = ['ready', 'end', 'reconnecting', 'error', 'connect', 'disconnect'] as const;

/**
 * Events: `down` (error?: Error) when either connection is lost, `up` when both are ready
 * again, `client-error` (error: Error, role) for every error a client reports.
 */
export class RedisLink extends EventEmitter {
  readonly #pub: AnyRedisClient;
  readonly #sub: AnyRedisClient;
  readonly #command: CommandRunner;
  readonly #sharded: boolean;
  #state: LinkState;
  #users = 0;
  readonly #onPubEvent = (error?: unknown) => this.#onClientEvent('pub', error);
  readonly #onSubEvent = (error?: unknown) => this.#onClientEvent('sub', error);

  constructor(pub: AnyRedisClient, sub: AnyRedisClient, sharded: boolean) {
    super();
    this.#pub = pub;
    this.#command = commandRunner(pub, BUFFER_REPLIES);
    this.#sub = sub;
    this.#sharded = sharded;
    this.#state = this.#computeState();
    // One listener per namespace adapter.
    this.setMaxListeners(0);
  }

  get state(): LinkState {
    return this.#state;
  }

  /** Starts watching the clients (the first adapter to init). */
  retain(): void {
    if (this.#users++ > 0) return;
    for (const event of STATE_EVENTS) {
      this.#pub.on(event, this.#onPubEvent);
      this.#sub.on(event, this.#onSubEvent);
    }
    this.#state = this.#computeState();
  }

  /** Stops watching the clients (the last adapter closed). The clients stay open: they are the caller's. */
  release(): void {
    if (this.#users === 0 || --this.#users > 0) return;
    for (const event of STATE_EVENTS) {
      this.#pub.off(event, this.#onPubEvent);
      this.#sub.off(event, this.#onSubEvent);
    }
  }

  /** Publishes a frame; false (and nothing sent) while Redis is unreachable. */
  publish(channel: string, frame: Buffer): boolean {
    if (this.#state !== 'up') return false;
    const sent = this.#sharded ? this.#pub.sPublish(channel, frame) : this.#pub.publish(channel, frame);
    sent.catch((error: unknown) => this.#report(error, 'pub'));
    return true;
  }

  subscribe(channel: string, listener: FrameListener): Promise<void> {
    const done = this.#sharded
      ? this.#sub.sSubscribe(channel, listener, true)
      : this.#sub.subscribe(channel, listener, true);
    return done.then(
      () => undefined,
      (error: unknown) => this.#report(error, 'sub'),
    );
  }

  unsubscribe(channel: string, listener: FrameListener): Promise<void> {
    const done = this.#sharded
      ? this.#sub.sUnsubscribe(channel, listener as ListenerToRemove, true)
      : this.#sub.unsubscribe(channel, listener as ListenerToRemove, true);
    return done.then(
      () => undefined,
      (error: unknown) => this.#report(error, 'sub'),
    );
  }

  /** Runs a command on the publishing connection; bulk strings come back as Buffers. */
  command(args: Array<string | Buffer>): Promise<unknown> {
    return this.#command(args);
  }

  #computeState(): LinkState {
    return this.#pub.isReady && this.#sub.isReady ? 'up' : 'down';
  }

  #onClientEvent(role: ClientRole, error: unknown): void {
    if (error !== undefined) this.#report(error, role);
    const state = this.#computeState();
    if (state === this.#state) return;
    this.#state = state;
    if (state === 'up') this.emit('up');
    else this.emit('down', error instanceof Error ? error : undefined);
  }

  #report(error: unknown, role: ClientRole): void {
    this.emit('client-error', error instanceof Error ? error : new Error(String(error)), role);
  }
}
