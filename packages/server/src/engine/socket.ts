/**
 * One Engine.IO session, whatever transport carries it: the write queue (flushed once per
 * event-loop turn), heartbeats (on the server's shared deadline queues), upgrades and closing.
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { EnginePacket } from '@parley/protocol';
import type {
  EngineCloseReason,
  EngineReadyState,
  EngineSocketLike,
  PreparedMessage,
  SendOptions,
  SessionReceiver,
} from './contract.js';
import { createLogger } from './debug.js';
import type { EngineProtocol } from './eio3/revision.js';
import { SendBufferFullError, TransportError } from './errors.js';
import { cancelFlush, type Flushable, scheduleFlush } from './flush.js';
import type { ResolvedOptions } from './options.js';
import { NOOP, OutboundPacket, PING, PONG, type PublicPacket, publicPacket, toOutbound } from './packet.js';
import { queuedSize, queuedSizeOf, SEND_BUFFER_FULL } from './send-buffer.js';
import { DEADLINE, type DeadlineQueue, type DeadlineTarget, NEXT, PREV, QUEUE, unschedule } from './timer-wheel.js';
import { DETACHED, type Transport, type TransportFailure, type TransportOwner } from './transports/transport.js';
import { UpgradeAttempt } from './upgrade.js';

const debug = createLogger('parley:engine:socket');

/** What a session needs from its server; one object shared by all sessions of a server. */
export interface SessionHost {
  readonly options: ResolvedOptions;
  /** Sessions waiting to be pinged (deadline: pingInterval after the open or the last pong). */
  readonly pings: DeadlineQueue<Socket>;
  /** Sessions waiting for a pong (deadline: pingTimeout after the ping). */
  readonly pongs: DeadlineQueue<Socket>;
  /** v3 sessions waiting for their client's next ping (deadline: pingInterval + pingTimeout). */
  readonly clientPings: DeadlineQueue<Socket>;
  /** Called once, when the session has closed and before its `close` event. */
  onSessionClosed(socket: Socket): void;
  /** Called after each flush (engine.io's server-level `drain` event). */
  onSessionDrain(socket: Socket): void;
  /** Whether the server has `flush` listeners, so that packets are listed only for them. */
  observesFlush(): boolean;
  /** Called before each flush with the packets to write (engine.io's server-level `flush`). */
  onSessionFlush(socket: Socket, packets: readonly PublicPacket[]): void;
}

type SendCallback = () => void;

/**
 * A client session.
 *
 * States (`readyState`), as in engine.io, and what moves a session between them:
 *
 *                 open(upgrades)             close()
 *    opening ---------------------> open ----------------> closing
 *    (from the      emits 'open'     |   (queued packets    | the queue is flushed,
 *     handshake                      |    are written       | then the transport closes
 *     to open())                     |    first)            v ('forced close')
 *                                    +-----------------> closed --> 'close' (reason, error)
 *
 *    Straight to closed (reason in quotes):
 *      close(true), or the server closing           'forced close'       any state
 *      no pong within pingTimeout (v3: no ping      'ping timeout'       open, closing
 *        from the client within both delays)
 *      the transport failed or the peer left        'transport close' |  open, closing
 *                                                   'transport error' |
 *                                                   'parse error'
 *      a packet that is not allowed here            'parse error' |      open
 *                                                   'transport error'
 *      the client's close packet (HTTP only)        'transport close'    open
 *      a peer too slow to read (maxBufferedBytes)   'send buffer full'   open
 *
 *    Only an open session sends (send, sendPrepared, pings) and takes the client's packets.
 *    Upgrades run beside the state, while open: startUpgrade(probe) -> 'upgrading' once `2probe`
 *    is answered -> 'upgrade' when the client sends `5` (the probe becomes the transport and
 *    `upgraded` is true). Any other packet on the probe, its failure or upgradeTimeout ends the
 *    attempt; the session stays on its transport.
 *
 * @example
 * server.on('connection', (socket) => {
 *   socket.on('message', (data) => socket.send(data)); // echo
 *   socket.on('close', (reason) => console.log(socket.id, reason));
 * });
 */
export class Socket extends EventEmitter implements EngineSocketLike, Flushable, DeadlineTarget, TransportOwner {
  readonly id: string;
  /** 4, or 3 for a v3 client (`allowEIO3`), which pings while the server answers. */
  readonly protocol: EngineProtocol;
  /** The handshake request (a lean snapshot unless HTTP middlewares are in use). */
  readonly request: IncomingMessage;
  readonly remoteAddress: string;
  readonly #host: SessionHost;
  #state: EngineReadyState = 'opening';
  #transport: Transport;
  #upgrade: UpgradeAttempt | null = null;
  #upgraded = false;
  #queue: OutboundPacket[] = [];
  /** The {@link queuedSize} of the queue, for the `maxBufferedBytes` bound (see send-buffer.ts). */
  #queuedBytes = 0;
  #queueCompress = false;
  #callbacks: SendCallback[] | null = null;
  #closeWhenFlushed = false;
  #awaitingPong = false;
  #pongDeadlineExtended = false;
  #receiver: SessionReceiver | undefined;
  /** The heartbeat queues' bookkeeping (declared so every session has one shape). */
  [QUEUE]: DeadlineQueue<this> | null = null;
  [PREV]: this | null = null;
  [NEXT]: this | null = null;
  [DEADLINE] = 0;

  constructor(id: string, host: SessionHost, transport: Transport, request: IncomingMessage) {
    super();
    // EventEmitter gives every instance a dictionary for its listeners (about 200 bytes), and
    // most sessions never get a listener: the socket layer uses setReceiver(). Node's emitter
    // accepts an undefined table everywhere and creates it on the first `on()`.
    (this as unknown as { _events: object | undefined })._events = undefined;
    this.id = id;
    this.#host = host;
    this.#transport = transport;
    this.protocol = transport.protocol;
    transport.owner = this;
    this.request = request;
    this.remoteAddress = request.socket?.remoteAddress ?? '';
  }

  get readyState(): EngineReadyState {
    return this.#state;
  }

  get transport(): Transport {
    return this.#transport;
  }

  /**
   * Bytes waiting to reach the network: queued in the session (not yet handed to the transport)
   * plus what the transport holds (a WebSocket's or SSE stream's socket buffer). 0 once closed:
   * nothing more will be sent.
   */
  get bufferedBytes(): number {
    if (this.#state === 'closed') return 0;
    return this.#queuedBytes + this.#transport.bufferedBytes;
  }

  /** See {@link EngineSocketLike.writableNow}: queued packets mean a write is in flight. */
  get writableNow(): boolean {
    return this.#state === 'open' && this.#queue.length === 0 && this.#transport.writable;
  }

  /** True while a WebSocket probe is in progress. */
  get upgrading(): boolean {
    return this.#upgrade !== null;
  }

  /** True once the session moved to WebSocket. */
  get upgraded(): boolean {
    return this.#upgraded;
  }

  /** Sends the open packet and starts heartbeats. Called once by the server. */
  open(upgrades: readonly string[]): void {
    const { pingInterval, pingTimeout, maxHttpBufferSize } = this.#host.options;
    const handshake = JSON.stringify({
      sid: this.id,
      upgrades,
      pingInterval,
      pingTimeout,
      maxPayload: maxHttpBufferSize,
    });
    this.#state = 'open';
    this.#enqueue(new OutboundPacket('open', handshake), true);
    // A v3 client pings every pingInterval: silence past pingInterval + pingTimeout is a timeout.
    if (this.protocol === 3) this.#host.clientPings.push(this);
    else this.#host.pings.push(this);
    this.emit('open');
  }

  /** Sets the session's direct consumer (see {@link SessionReceiver}); called before listeners. */
  setReceiver(receiver: SessionReceiver): void {
    this.#receiver = receiver;
  }

  send(data: string | Uint8Array, options?: SendOptions | SendCallback, callback?: SendCallback): this {
    if (typeof options === 'function') return this.send(data, undefined, options);
    if (this.#state === 'open') this.#enqueue(new OutboundPacket('message', data), options?.compress, callback);
    return this;
  }

  write(data: string | Uint8Array, options?: SendOptions | SendCallback, callback?: SendCallback): this {
    return this.send(data, options, callback);
  }

  sendPrepared(message: PreparedMessage, options?: SendOptions): void {
    if (this.#state === 'open') this.#enqueue(toOutbound(message), options?.compress);
  }

  close(discard = false): void {
    if (this.#state === 'closed') return;
    if (discard) {
      // Without waiting for the queue or the client: a pending poll gets `1`, a WebSocket a close frame.
      this.#onClose('forced close');
      return;
    }
    if (this.#state !== 'open') return;
    this.#state = 'closing';
    if (this.#queue.length > 0) this.#closeWhenFlushed = true;
    else this.#closeTransport();
  }

  /** Part of the shared flush: writes the queue if the transport can take it. */
  flushNow(): void {
    if (this.#state === 'closed' || this.#queue.length === 0 || !this.#transport.writable) return;
    const callbacks = this.#callbacks;
    this.#callbacks = null;
    const onWritten = callbacks === null ? undefined : () => runCallbacks(callbacks);
    const queue = this.#queue;
    const count = queue.length;
    if (this.listenerCount('flush') > 0 || this.#host.observesFlush()) this.#emitFlush(queue);
    const sent = this.#transport.send(queue, this.#queueCompress, onWritten);
    // The array is reused; a packet queued while the transport was writing stays queued, and
    // so does what did not fit one polling response (with the callbacks, which wait for it).
    if (queue.length === sent) {
      queue.length = 0;
      this.#queuedBytes = 0;
    } else {
      this.#queuedBytes -= queuedSizeOf(queue, 0, sent);
      queue.splice(0, sent);
    }
    if (sent < count && callbacks !== null) this.#callbacks = callbacks.concat(this.#callbacks ?? []);
    if (sent >= count) this.#queueCompress = false;
    if (this.listenerCount('drain') > 0) this.emit('drain');
    this.#host.onSessionDrain(this);
    if (this.#closeWhenFlushed && this.#queue.length === 0) {
      this.#closeWhenFlushed = false;
      this.#closeTransport();
    }
  }

  /** This session's heartbeat deadline passed: time to ping, or the pong is late. */
  onDeadline(): void {
    if (this.#state === 'closed') return;
    if (this.#awaitingPong || this.protocol === 3) {
      this.#onClose('ping timeout');
      return;
    }
    this.#awaitingPong = true;
    this.#pongDeadlineExtended = false;
    // Compressible, as engine.io marks it; being one byte, it never is compressed.
    if (this.#state === 'open') this.#enqueue(PING, undefined);
    this.#host.pongs.push(this);
  }

  /** A packet from the current transport. */
  onTransportPacket(packet: EnginePacket): void {
    if (this.#state !== 'open') return;
    // Per-message events are emitted only when listened to: `emit` allocates its rest arguments.
    if (this.listenerCount('packet') > 0) this.emit('packet', packet);
    // As engine.io does, any packet that arrives while a pong is awaited restarts the pong's
    // deadline once per ping: the pong may be stuck behind a large upload.
    if (this.#awaitingPong && !this.#pongDeadlineExtended && packet.type !== 'pong') {
      this.#pongDeadlineExtended = true;
      this.#host.pongs.push(this);
    }
    switch (packet.type) {
      case 'pong':
        // A v3 client answers no pings: its pong would pass for the ping it owes.
        if (this.protocol === 3) {
          this.#unexpected(packet);
          return;
        }
        // Only the answer to a ping counts: unsolicited pongs would otherwise put the next ping
        // off forever and keep a session alive that never answers one.
        if (!this.#awaitingPong) return;
        this.#awaitingPong = false;
        this.#host.pings.push(this);
        this.emit('heartbeat');
        return;
      case 'message': {
        const data =
          typeof packet.data === 'string' || packet.data === undefined ? (packet.data ?? '') : asBuffer(packet.data);
        // Only the listeners there before the socket layer handled the packet hear it: in socket.io
        // what a packet sets off (a 'connection' handler adding `conn.on('message')`) runs a tick
        // later, after its emission; here a CONNECT is handled at once.
        const dataListened = this.listenerCount('data') > 0;
        const messageListened = this.listenerCount('message') > 0;
        this.#receiver?.onSessionMessage(data);
        if (dataListened) this.emit('data', data);
        if (messageListened) this.emit('message', data);
        return;
      }
      case 'close':
        // Only an HTTP transport treats a close packet as the end of the session (a polling
        // client's way to leave); engine.io ignores one that arrives over a WebSocket.
        if (this.#transport.name === 'websocket') return;
        this.#transport.releaseHeldRequest();
        this.#onClose('transport close');
        return;
      case 'ping':
        if (this.protocol === 3) this.#answerPing();
        // Only the server pings in Engine.IO v4.
        else this.#fail('transport error', new TransportError('TRANSPORT_ERROR', 'invalid heartbeat direction'));
        return;
      default:
      // open, upgrade and noop mean nothing on an established transport: ignored, as by engine.io.
    }
  }

  /** Engine.IO v3: the client's ping proves it alive; the answer proves the server alive. */
  #answerPing(): void {
    this.#host.clientPings.push(this);
    this.#enqueue(PONG, false);
    this.emit('heartbeat');
  }

  #unexpected(packet: EnginePacket): void {
    this.#fail('parse error', new TransportError('PARSE_ERROR', `unexpected "${packet.type}" packet from the client`));
  }

  /** The current transport failed or the peer left. */
  onTransportFailure(reason: TransportFailure, error?: Error): void {
    this.#fail(reason, error);
  }

  /** The current transport can take packets again. */
  onTransportWritable(): void {
    if (this.#state === 'closed') return;
    if (this.#queue.length > 0) scheduleFlush(this);
    // A noop makes a held poll return so that the client can finish its upgrade.
    else if (this.#upgrade?.probed && this.#transport.name !== 'websocket') this.#transport.send([NOOP], false);
  }

  /**
   * Starts an upgrade to `probe` (a WebSocket with this session's id), or closes the
   * probe when the session is not open, already upgrading, or already upgraded. As with
   * engine.io, a session that started on WebSocket may be probed and taken over by another one.
   */
  startUpgrade(probe: Transport): void {
    if (this.#state !== 'open' || this.#upgrade !== null || this.#upgraded) {
      debug('session %s: upgrade refused after the WebSocket handshake', this.id);
      probe.shutdown();
      return;
    }
    const attempt: UpgradeAttempt = new UpgradeAttempt(
      probe,
      {
        onProbe: () => {
          this.emit('upgrading', probe);
          this.onTransportWritable();
        },
        onUpgrade: () => this.#completeUpgrade(attempt),
        onFailed: () => {
          if (this.#upgrade === attempt) this.#upgrade = null;
        },
      },
      this.#host.options.upgradeTimeout,
    );
    this.#upgrade = attempt;
  }

  #completeUpgrade(attempt: UpgradeAttempt): void {
    if (this.#upgrade !== attempt || this.#state === 'closed') {
      attempt.transport.shutdown();
      return;
    }
    const previous = this.#transport;
    this.#upgrade = null;
    this.#upgraded = true;
    this.#transport = attempt.transport;
    attempt.transport.owner = this;
    previous.owner = DETACHED;
    // A replaced WebSocket is closed with a close frame, as engine.io closes it; a polling or
    // SSE transport is just dropped (the client stopped using it when it sent the upgrade).
    if (previous.name === 'websocket') previous.shutdown();
    else previous.discard();
    debug('session %s upgraded from %s to %s', this.id, previous.name, attempt.transport.name);
    this.emit('upgrade', attempt.transport);
    if (this.#queue.length > 0) scheduleFlush(this);
    if (this.#state === 'closing' && !this.#closeWhenFlushed) this.#closeTransport();
  }

  #enqueue(packet: OutboundPacket, compress: boolean | undefined, callback?: SendCallback): void {
    // engine.io's packet object, built only for a listener (packets may be shared by a broadcast).
    if (this.listenerCount('packetCreate') > 0) this.#emitPacketCreate(packet, compress !== false);
    this.#queue.push(packet);
    this.#queuedBytes += queuedSize(packet);
    if (compress !== false) this.#queueCompress = true;
    if (callback !== undefined) {
      this.#callbacks ??= [];
      this.#callbacks.push(callback);
    }
    scheduleFlush(this);
    if (this.#queuedBytes > this.#host.options.maxBufferedBytes) this.#checkSendBuffer();
  }

  /** Closes the session if its peer is behind by more than `maxBufferedBytes` (see send-buffer.ts). */
  #checkSendBuffer(): void {
    if (this.#state === 'closed' || this.#queue.length < 2 || this.#transport.writable) return;
    const error = new SendBufferFullError(this.#host.options.maxBufferedBytes, this.bufferedBytes);
    // Freed first: the queue, then whatever the transport holds for a peer that does not read.
    this.#queue.length = 0;
    this.#queuedBytes = 0;
    this.#transport.destroy();
    if (this.listenerCount('error') > 0) this.emit('error', error);
    this.#onClose(SEND_BUFFER_FULL, error);
  }

  #emitPacketCreate(packet: OutboundPacket, compress: boolean): void {
    this.emit('packetCreate', publicPacket(packet, compress));
  }

  /**
   * engine.io's `flush` events, socket first, then server, with the packets about to be written.
   * Built only when someone listens: the queue itself is reused and never handed out.
   */
  #emitFlush(queue: readonly OutboundPacket[]): void {
    const compress = this.#queueCompress;
    const packets = queue.map((packet) => publicPacket(packet, compress));
    if (this.listenerCount('flush') > 0) this.emit('flush', packets);
    this.#host.onSessionFlush(this, packets);
  }

  #closeTransport(): void {
    // An upgrade in flight is left to finish: a client that has answered the probe has paused
    // polling and will only hear about the close on the new transport (see #completeUpgrade).
    this.#transport.close(() => this.#onClose('forced close'));
  }

  #fail(reason: TransportFailure, error?: Error): void {
    if (this.#state === 'closed') return;
    debug('session %s failed (%s): %s', this.id, reason, error?.message ?? '');
    if (error !== undefined && this.listenerCount('error') > 0) this.emit('error', error);
    this.#onClose(reason, error);
  }

  #onClose(reason: EngineCloseReason, description?: Error): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    unschedule(this);
    cancelFlush(this);
    this.#upgrade?.cancel();
    this.#upgrade = null;
    this.#transport.shutdown();
    this.#queue.length = 0;
    this.#queuedBytes = 0;
    this.#callbacks = null;
    this.#host.onSessionClosed(this);
    debug('session %s closed: %s', this.id, reason);
    this.#receiver?.onSessionClose(reason, description);
    this.emit('close', reason, description);
  }
}

function runCallbacks(callbacks: readonly SendCallback[]): void {
  for (const callback of callbacks) callback();
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
