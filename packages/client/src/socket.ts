/**
 * A Socket: one namespace over a Manager's connection. Emits with acks, buffers while
 * disconnected, retries with `retries` + `ackTimeout`, and resumes with connection state recovery.
 */
import { PacketType, RESERVED_EVENTS, type SocketPacket } from '@parley/protocol';
import { Emitter, type EventNames, type Listener, subscribe } from './emitter.js';
import { AckError, ClientError, ConnectError } from './errors.js';
import type { Manager } from './manager.js';
import type { Ack, Flags, OutgoingSocketPacket, QueuedEmit, SocketOptions } from './socket-types.js';
import { systemTimers } from './timers.js';
import type {
  AckResult,
  DecorateAcknowledgements,
  DefaultEventsMap,
  DisconnectReason,
  EmitWithAckArgs,
  EventParams,
  EventsMap,
  SocketReservedEvents,
} from './types.js';

/**
 * @example
 * const socket = io('https://example.com/chat', { auth: { token } });
 * socket.on('message', (text) => console.log(text));
 * const reply = await socket.timeout(5000).emitWithAck('join', 'room-1');
 */
export class Socket<
  ListenEvents extends EventsMap = DefaultEventsMap,
  EmitEvents extends EventsMap = ListenEvents,
> extends Emitter<ListenEvents, SocketReservedEvents> {
  declare readonly io: Manager;
  declare readonly nsp: string;
  /** The session id given by the server; undefined while disconnected. */
  id: string | undefined;
  connected = false;
  /** Whether the last connection resumed the previous session (connection state recovery). */
  recovered = false;
  declare auth: SocketOptions['auth'];
  /** Events received before the CONNECT reply, delivered once connected. */
  receiveBuffer: unknown[][] = [];
  /** Packets emitted while disconnected, sent once connected (clear it to drop them). */
  sendBuffer: OutgoingSocketPacket[] = [];
  readonly #opts: SocketOptions;
  #queue: QueuedEmit[] = [];
  #ids = 0;
  #acks = new Map<number, Ack>();
  #flags: Flags = {};
  #subs: (() => void)[] | undefined;
  #pid: string | undefined;
  #lastOffset: string | undefined;
  #any: Listener[] = [];
  #anyOutgoing: Listener[] = [];

  constructor(io: Manager, nsp: string, opts: SocketOptions = {}) {
    super();
    this.io = io;
    this.nsp = nsp;
    this.auth = opts.auth;
    // a copy, as in socket.io-client: `retries` and `ackTimeout` are those given here
    this.#opts = { ...opts };
    if (io.autoConnect) this.connect();
  }

  get disconnected(): boolean {
    return !this.connected;
  }

  /** Whether the socket is subscribed to its Manager (connected, or trying to be). */
  get active(): boolean {
    return !!this.#subs;
  }

  /** Connects (or reconnects after `disconnect()`). */
  connect(): this {
    if (this.connected) return this;
    if (!this.#subs) {
      const { io } = this;
      this.#subs = [
        subscribe(io, 'open', () => this.#onOpen()),
        subscribe(io, 'packet', (packet: SocketPacket) => this.#onPacket(packet)),
        subscribe(io, 'error', (error: Error) => this.connected || this.emitReserved('connect_error', error)),
        subscribe(io, 'close', (reason: string, details?: unknown) =>
          this.#onClose(reason as DisconnectReason, details),
        ),
      ];
    }
    if (!this.io.reconnecting) this.io.open();
    if (this.io.readyState === 'open') this.#onOpen();
    return this;
  }

  /** Alias of {@link connect}. */
  open(): this {
    return this.connect();
  }

  /** Leaves the namespace (and closes the connection if no other namespace uses it). */
  disconnect(): this {
    if (this.connected) this.#packet({ type: PacketType.DISCONNECT });
    this.#destroy();
    if (this.connected) this.#onClose('io client disconnect');
    return this;
  }

  /** Alias of {@link disconnect}. */
  close(): this {
    return this.disconnect();
  }

  /** Emits a `message` event. */
  send(...args: unknown[]): this {
    return (this.emit as (...all: unknown[]) => this)('message', ...args);
  }

  /**
   * Emits an event; a function as the last argument receives the server's acknowledgement.
   * While disconnected the packet is buffered (volatile packets are dropped instead).
   */
  emit<Ev extends EventNames<EmitEvents>>(event: Ev, ...params: EventParams<EmitEvents, Ev>): this {
    if (RESERVED_EVENTS.has(event)) throw new ClientError('RESERVED_EVENT', `"${event}" is a reserved event name`);
    const args: unknown[] = [event, ...params];
    const flags = this.#flags;
    this.#flags = {};
    if (this.#opts.retries && !flags.fromQueue && !flags.volatile) {
      this.#enqueue(args, flags);
      return this;
    }
    const packet: OutgoingSocketPacket = {
      type: PacketType.EVENT,
      data: args,
      options: { compress: flags.compress !== false },
    };
    if (typeof args[args.length - 1] === 'function') {
      packet.id = this.#ids++;
      this.#registerAck(packet.id, args.pop() as Ack, flags.timeout);
    }
    const connected = this.#canSend();
    // Volatile: sent now or never (socket.io-client's documented semantics; it never buffers one).
    if (flags.volatile && !(connected && this.io.engine?.transport.writable)) return this;
    if (connected) {
      this.#notifyOutgoing(args);
      this.#packet(packet);
    } else {
      this.sendBuffer.push(packet);
    }
    return this;
  }

  /**
   * Emits and resolves with the acknowledgement's first argument; rejects on timeout, and
   * at once if the connection drops first.
   *
   * @example const { ok } = await socket.timeout(2000).emitWithAck('save', doc);
   */
  emitWithAck<Ev extends EventNames<EmitEvents>>(
    event: Ev,
    ...params: EmitWithAckArgs<EmitEvents, Ev>
  ): Promise<AckResult<EmitEvents, Ev>> {
    return new Promise((resolve, reject) => {
      const ack: Ack = (error: unknown, response: AckResult<EmitEvents, Ev>) =>
        error ? reject(error) : resolve(response);
      ack.withError = true;
      (this.emit as (...all: unknown[]) => this)(event, ...params, ack);
    });
  }

  /** Per-message compression for the next emit. */
  compress(compress: boolean): this {
    this.#flags.compress = compress;
    return this;
  }

  /** The next emit is dropped rather than buffered if it cannot be sent now. */
  get volatile(): this {
    this.#flags.volatile = true;
    return this;
  }

  /** The next emit's ack fails with an error after `ms` ms; the ack then takes an error first. */
  timeout(ms: number): Socket<ListenEvents, DecorateAcknowledgements<EmitEvents>> {
    this.#flags.timeout = ms;
    return this as unknown as Socket<ListenEvents, DecorateAcknowledgements<EmitEvents>>;
  }

  /** Listens to every incoming event: `(event, ...args)`. */
  onAny(listener: Listener): this {
    this.#any.push(listener);
    return this;
  }

  prependAny(listener: Listener): this {
    this.#any.unshift(listener);
    return this;
  }

  /** Removes a listener (its first registration only), or every one (no argument). */
  offAny(listener?: Listener): this {
    this.#any = without(this.#any, listener);
    return this;
  }

  /** The catch-all listeners: the socket's own list, as socket.io-client hands it out. */
  listenersAny(): Listener[] {
    return this.#any;
  }

  /** Listens to every outgoing event: `(event, ...args)` (without the ack). */
  onAnyOutgoing(listener: Listener): this {
    this.#anyOutgoing.push(listener);
    return this;
  }

  prependAnyOutgoing(listener: Listener): this {
    this.#anyOutgoing.unshift(listener);
    return this;
  }

  /** Removes a listener (its first registration only), or every one (no argument). */
  offAnyOutgoing(listener?: Listener): this {
    this.#anyOutgoing = without(this.#anyOutgoing, listener);
    return this;
  }

  /** The outgoing catch-all listeners: the socket's own list, as socket.io-client hands it out. */
  listenersAnyOutgoing(): Listener[] {
    return this.#anyOutgoing;
  }

  #registerAck(id: number, ack: Ack, flagTimeout: number | undefined): void {
    const timeout = flagTimeout ?? this.#opts.ackTimeout;
    if (timeout === undefined) {
      this.#acks.set(id, ack);
      return;
    }
    const timers = this.io.opts.timers ?? systemTimers;
    const timer = timers.setTimeout(() => {
      this.#acks.delete(id);
      // in place, as socket.io-client (an app may hold the array); -1 >>> 0 is past the end: a no-op
      this.sendBuffer.splice(this.sendBuffer.findIndex((packet) => packet.id === id) >>> 0, 1);
      ack.call(this, new AckError('ACK_TIMEOUT', 'operation has timed out'));
    }, timeout);
    // Ref'd again under autoUnref, as socket.io-client leaves its ack timers: an app awaiting an
    // answer stays alive until it comes or times out (only the connection's own timers let go).
    (timer as { ref?(): void })?.ref?.();
    const wrapped: Ack = (...args) => {
      timers.clearTimeout(timer);
      ack.apply(this, args);
    };
    wrapped.withError = true;
    this.#acks.set(id, wrapped);
  }

  /**
   * `retries`: queue the emit; one in flight, the next sent once this one is acknowledged. The
   * server's answer is always a success (socket.io-client, without a timeout, takes its first
   * argument for an error and sends the packet again). A try fails by timeout or, with a
   * timeout, by disconnection; without one the packet just goes again after reconnecting.
   */
  #enqueue(args: unknown[], flags: Flags): void {
    const ack = typeof args[args.length - 1] === 'function' ? (args.pop() as Ack) : undefined;
    const entry: QueuedEmit = { tryCount: 0, pending: false, args, flags: { ...flags, fromQueue: true } };
    const onAck: Ack = (error: unknown, ...response: unknown[]) => {
      if (entry !== this.#queue[0]) return;
      if (error == null) {
        this.#queue.shift();
        ack?.(null, ...response);
      } else if (entry.tryCount > (this.#opts.retries ?? 0)) {
        this.#queue.shift();
        ack?.(error);
      }
      entry.pending = false;
      this.#drainQueue();
    };
    onAck.withError = true;
    onAck.resentOnReconnect = true;
    args.push(onAck);
    this.#queue.push(entry);
    this.#drainQueue();
  }

  /** Sends the head of the queue if nothing is in flight (`force`: resend it after a reconnection). */
  #drainQueue(force = false): void {
    const entry = this.#queue[0];
    // Only while the packet can go out now: a queued packet is never parked in the send buffer,
    // which the next connection would flush beside this resend.
    if (!entry || (entry.pending && !force) || !this.#canSend()) return;
    entry.pending = true;
    entry.tryCount++;
    this.#flags = entry.flags;
    (this.emit as (...all: unknown[]) => this)(...entry.args);
  }

  /** Connected, with a live heartbeat (a throttled background tab can miss the ping deadline). */
  #canSend(): boolean {
    return this.connected && !this.io.engine?.hasPingExpired();
  }

  #packet(packet: OutgoingSocketPacket): void {
    packet.nsp = this.nsp;
    this.io.writePacket(packet as SocketPacket, packet.options);
  }

  #onOpen(): void {
    const send = (data?: Record<string, unknown>) =>
      this.#packet({
        type: PacketType.CONNECT,
        data: this.#pid ? { pid: this.#pid, offset: this.#lastOffset, ...data } : data,
      });
    if (typeof this.auth === 'function') this.auth(send);
    else send(this.auth);
  }

  #onPacket(packet: SocketPacket): void {
    if (packet.nsp !== this.nsp) return;
    const data = packet.data as Record<string, unknown> | undefined;
    switch (packet.type) {
      case PacketType.CONNECT:
        if (data?.sid) this.#onConnect(data.sid as string, data.pid as string | undefined);
        // a v2 server connects the main namespace by itself, with no sid: tell the app why nothing works
        else this.emitReserved('connect_error', new ConnectError(V2_SERVER));
        return;
      case PacketType.EVENT:
      case PacketType.BINARY_EVENT: {
        const args = packet.data as unknown[];
        if (packet.id !== undefined) args.push(this.#ackFor(packet.id));
        if (this.connected) this.#emitEvent(args);
        else this.receiveBuffer.push(args);
        return;
      }
      case PacketType.ACK:
      case PacketType.BINARY_ACK: {
        const ack = this.#acks.get(packet.id!);
        if (!ack) return;
        this.#acks.delete(packet.id!);
        const args = packet.data as unknown[];
        if (ack.withError) args.unshift(null);
        return void ack.apply(this, args);
      }
      case PacketType.DISCONNECT:
        this.#destroy();
        this.#onClose('io server disconnect');
        return;
      case PacketType.CONNECT_ERROR: {
        this.#destroy();
        const error =
          typeof data === 'object' ? new ConnectError(String(data.message), data.data) : new ConnectError(String(data));
        return void this.emitReserved('connect_error', error);
      }
    }
  }

  #emitEvent(args: unknown[]): void {
    callAll(this.#any, this, args);
    this.dispatch(args[0] as string, args.slice(1));
    const last = args[args.length - 1];
    if (this.#pid && typeof last === 'string') this.#lastOffset = last;
  }

  /** The callback handed to a listener for an event the server wants acknowledged (once only). */
  #ackFor(id: number): Listener {
    let sent = false;
    return (...args: unknown[]) => {
      if (sent) return;
      sent = true;
      this.#packet({ type: PacketType.ACK, id, data: args });
    };
  }

  #onConnect(id: string, pid: string | undefined): void {
    this.id = id;
    // As socket.io-client: undefined, not false, when the server does not offer recovery (no pid)
    this.recovered = (pid && this.#pid === pid) as boolean;
    this.#pid = pid;
    this.connected = true;
    for (const args of this.receiveBuffer) this.#emitEvent(args);
    this.receiveBuffer = [];
    for (const packet of this.sendBuffer) {
      this.#notifyOutgoing(packet.data as unknown[]);
      this.#packet(packet);
    }
    this.sendBuffer = [];
    this.#drainQueue(true);
    this.emitReserved('connect');
  }

  #onClose(reason: DisconnectReason, details?: unknown): void {
    this.connected = false;
    this.id = undefined;
    this.emitReserved('disconnect', reason, details);
    this.#failAcks();
  }

  /**
   * Acks sent on the connection that just dropped can never be answered. As in socket.io-client,
   * those that take an error first (a timeout, `emitWithAck`) fail now, and plain callbacks are
   * forgotten, never called; with `failPendingAcksOnDisconnect` every one fails (a plain callback
   * gets the error as its only argument). Acks of packets still in the send buffer stay: those
   * packets go out on the next connection. A retried packet without a timeout waits to be resent.
   */
  #failAcks(): void {
    const failAll = this.#opts.failPendingAcksOnDisconnect;
    for (const [id, ack] of this.#acks) {
      if (this.sendBuffer.some((packet) => packet.id === id)) continue;
      this.#acks.delete(id);
      if (failAll || (ack.withError && !ack.resentOnReconnect)) {
        ack.call(this, new AckError('DISCONNECTED', 'socket has been disconnected'));
      }
    }
  }

  #notifyOutgoing(args: unknown[]): void {
    callAll(this.#anyOutgoing, this, args);
  }

  /**
   * Unsubscribes from the Manager, then tells it, even if this socket was inactive already: as in
   * socket.io-client, `disconnect()` on an inactive socket still closes the Manager (another
   * 'close', 'forced close') once no socket is active, which also stops a pending reconnection.
   */
  #destroy(): void {
    if (this.#subs) for (const unsubscribe of this.#subs) unsubscribe();
    this.#subs = undefined;
    this.io.destroySocket(this);
  }
}

/** socket.io-client's words for a CONNECT reply without a sid, which only a v2 server sends. */
const V2_SERVER =
  'It seems you are trying to reach a Socket.IO server in v2.x with a v3.x client, but they are not compatible (more information here: https://socket.io/docs/v3/migrating-from-2-x-to-3-0/)';

/**
 * `listener`'s first registration taken out of `listeners` in place (a listener added twice stays
 * once, as in socket.io-client); without one, a new empty list.
 */
function without(listeners: Listener[], listener?: Listener): Listener[] {
  if (!listener) return [];
  const index = listeners.indexOf(listener);
  if (index >= 0) listeners.splice(index, 1);
  return listeners;
}

/** Calls each listener (on a copy: a listener may remove itself). */
function callAll(listeners: Listener[], self: unknown, args: unknown[]): void {
  for (const listener of listeners.slice()) listener.apply(self, args);
}
