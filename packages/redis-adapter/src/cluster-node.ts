/**
 * One node's presence in the cluster, for one namespace: its subscriptions, its heartbeats, the
 * other nodes it knows, the requests it waits on, and the dispatch of every message it receives.
 * Requests from other nodes are carried out on `local`; events go to the adapter.
 */
import { AckTracker } from './ack-tracker.js';
import type { Names } from './channels.js';
import { decodeFrame, encodeFrame } from './codec.js';
import { RedisAdapterError } from './errors.js';
import { type Message, MessageType, validateMessage, type WireOptions } from './messages.js';
import { type NodeId, NodeRegistry } from './node-registry.js';
import type { ResolvedOptions } from './options.js';
import type { RedisLink } from './redis-link.js';
import { carryOut, isRemoteRequest, type LocalNode } from './remote-requests.js';
import { type RequestOutcome, RequestTracker } from './request-tracker.js';

export type ClusterNodeState = 'created' | 'starting' | 'ready' | 'closed';
export type EmitEvent = (event: string, ...args: unknown[]) => void;

// Without `timeout(ms)`, answers from other nodes to a broadcast are collected this long at most.
const ACK_RETENTION_WITHOUT_TIMEOUT_MS = 60_000;

export class ClusterNode {
  readonly uid: NodeId;
  readonly names: Names;
  readonly #link: RedisLink;
  readonly #opts: ResolvedOptions;
  readonly #local: LocalNode;
  readonly #emit: EmitEvent;
  readonly #nodes: NodeRegistry;
  readonly #requests: RequestTracker;
  readonly #acks = new AckTracker();
  #state: ClusterNodeState = 'created';
  #started: Promise<void> | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #ackSequence = 0;

  /** The listener of every channel this node subscribes to (room channels included). */
  readonly onFrame = (frame: Buffer) => this.#receive(frame);
  readonly #onRedisUp = () => this.#redisUp();
  readonly #onRedisDown = (error?: Error) => this.#redisDown(error);
  readonly #onClientError = (error: Error) => this.#emit('redis-error', error);

  constructor(link: RedisLink, names: Names, uid: NodeId, opts: ResolvedOptions, local: LocalNode, emit: EmitEvent) {
    this.#link = link;
    this.names = names;
    this.uid = uid;
    this.#opts = opts;
    this.#local = local;
    this.#emit = emit;
    this.#nodes = new NodeRegistry(opts.heartbeatTimeout);
    this.#requests = new RequestTracker(uid);
  }

  get state(): ClusterNodeState {
    return this.#state;
  }

  /** The other live nodes. */
  ids(): NodeId[] {
    return this.#nodes.ids();
  }

  get size(): number {
    return this.#nodes.size;
  }

  /** Subscribes and starts the heartbeat. Idempotent: resolves once this node is listening. */
  start(): Promise<void> {
    if (this.#started !== undefined) return this.#started;
    this.#state = 'starting';
    this.#link.retain();
    this.#link.on('up', this.#onRedisUp);
    this.#link.on('down', this.#onRedisDown);
    this.#link.on('client-error', this.#onClientError);
    this.#heartbeat = setInterval(() => this.#beat(), this.#opts.heartbeatInterval);
    this.#heartbeat.unref();
    const names = this.names;
    this.#started = Promise.all([
      this.#link.subscribe(names.broadcast, this.onFrame),
      this.#link.subscribe(names.requests, this.onFrame),
      this.#link.subscribe(names.responses, this.onFrame),
    ]).then(() => {
      if (this.#state !== 'starting') return;
      this.#state = 'ready';
      this.publish(names.requests, { t: MessageType.HELLO, n: this.uid });
    });
    return this.#started;
  }

  /**
   * Says goodbye, completes pending requests with what they have, and unsubscribes (waiting for
   * Redis at most requestsTimeout: a closed or unreachable Redis may never answer).
   */
  async stop(extra?: Promise<unknown>): Promise<void> {
    if (this.#state === 'closed') return;
    const wasStarted = this.#state !== 'created';
    this.#state = 'closed';
    clearInterval(this.#heartbeat);
    this.#requests.closeAll();
    this.#acks.closeAll();
    if (!wasStarted) return;
    this.#link.publish(this.names.requests, encodeFrame({ t: MessageType.GOODBYE, n: this.uid }));
    this.#link.off('up', this.#onRedisUp);
    this.#link.off('down', this.#onRedisDown);
    this.#link.off('client-error', this.#onClientError);
    const unsubscribed = Promise.all([
      this.#link.unsubscribe(this.names.broadcast, this.onFrame),
      this.#link.unsubscribe(this.names.requests, this.onFrame),
      this.#link.unsubscribe(this.names.responses, this.onFrame),
      extra,
    ]);
    if (this.#link.state === 'up') await withDeadline(unsubscribed, this.#opts.requestsTimeout);
    this.#link.release();
  }

  /** Publishes (nothing once stopped, or while Redis is unreachable); false when not sent. */
  publish(channel: string, message: Message): boolean {
    if (this.#state === 'closed') return false;
    return this.#link.publish(channel, encodeFrame(message));
  }

  /** Sends a request to every live node and resolves with their answers (bounded by requestsTimeout). */
  request<R>(build: (r: string) => Message): Promise<RequestOutcome<R>> {
    return new Promise((resolve) => {
      const nodes = this.#link.state === 'up' && this.#state !== 'closed' ? this.#nodes.ids() : [];
      const r = this.#requests.open<R>(nodes, this.#opts.requestsTimeout, resolve);
      if (r !== undefined) this.publish(this.names.requests, build(r));
    });
  }

  /**
   * Asks every live node to broadcast with acknowledgements and relays their counts and answers.
   * Nodes that are not asked (local flag, Redis down) report 0 clients at once, since
   * serverCount() counts them.
   */
  broadcastWithAck(
    channel: string,
    data: unknown[],
    opts: WireOptions,
    clientCount: (count: number) => void,
    ack: (response: unknown) => void,
  ): void {
    const nodes = this.#nodes.ids();
    const asked =
      opts.flags?.local !== true && nodes.length > 0 && this.#link.state === 'up' && this.#state !== 'closed';
    if (!asked) {
      for (const _ of nodes) clientCount(0);
      return;
    }
    const r = `${this.uid}:a${(this.#ackSequence++).toString(36)}`;
    this.publish(channel, { t: MessageType.BROADCAST, n: this.uid, data, opts, r });
    const timeout = opts.flags?.timeout;
    const requestsTimeout = this.#opts.requestsTimeout;
    this.#acks.open(
      r,
      nodes,
      {
        countDeadlineMs: Math.min(timeout ?? requestsTimeout, requestsTimeout),
        retentionMs: timeout ?? Math.max(ACK_RETENTION_WITHOUT_TIMEOUT_MS, requestsTimeout),
      },
      clientCount,
      ack,
    );
  }

  #receive(frame: Buffer): void {
    if (this.#state === 'closed') return;
    let message: Message;
    try {
      message = validateMessage(decodeFrame(frame));
    } catch (error) {
      this.#emit('cluster-error', error);
      return;
    }
    if (message.n === this.uid) return;
    try {
      this.#handle(message);
    } catch (error) {
      this.#handlerFailed(`handling a message of type ${message.t} failed`, error);
    }
  }

  #handle(message: Message): void {
    if (message.t === MessageType.GOODBYE) {
      if (this.#nodes.remove(message.n)) this.#nodeGone(message.n);
      return;
    }
    if (this.#nodes.touch(message.n)) this.#emit('node-up', message.n);
    if (isRemoteRequest(message)) {
      carryOut(message, this.#local)?.catch((error) =>
        this.#handlerFailed(`answering a request of type ${message.t} failed`, error),
      );
      return;
    }
    switch (message.t) {
      case MessageType.HELLO:
        this.publish(this.names.requests, { t: MessageType.HEARTBEAT, n: this.uid });
        return;
      case MessageType.BROADCAST_CLIENT_COUNT:
        this.#acks.counted(message.r, message.n, message.count);
        return;
      case MessageType.BROADCAST_ACK:
        this.#acks.answered(message.r, message.response);
        return;
      case MessageType.FETCH_SOCKETS_RESPONSE:
        this.#requests.answer(message.r, message.n, message.sockets);
        return;
      case MessageType.SOCKET_IDS_RESPONSE:
        this.#requests.answer(message.r, message.n, message.ids);
        return;
      case MessageType.SERVER_SIDE_EMIT_RESPONSE:
        this.#requests.answer(message.r, message.n, message.response);
        return;
    }
  }

  #beat(): void {
    this.publish(this.names.requests, { t: MessageType.HEARTBEAT, n: this.uid });
    for (const node of this.#nodes.sweep()) this.#nodeGone(node);
  }

  #nodeGone(node: NodeId): void {
    this.#requests.nodeGone(node);
    this.#acks.nodeGone(node);
    this.#emit('node-down', node);
  }

  // No node can be reached: forget them all, so pending and new requests complete with local answers.
  #redisDown(error: Error | undefined): void {
    for (const node of this.#nodes.clear()) this.#nodeGone(node);
    this.#emit('redis-down', error);
  }

  #redisUp(): void {
    this.#emit('redis-up');
    this.publish(this.names.requests, { t: MessageType.HELLO, n: this.uid });
  }

  #handlerFailed(message: string, cause: unknown): void {
    this.#emit('cluster-error', new RedisAdapterError('HANDLER_FAILED', message, { cause }));
  }
}

function withDeadline(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([promise.then(() => undefined), deadline]).finally(() => clearTimeout(timer));
}
