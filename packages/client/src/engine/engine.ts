/**
 * The Engine.IO client session: handshake, heartbeat watchdog, write buffer, upgrade from an
 * HTTP transport to WebSocket (probe, pause, switch), and close. Knows nothing of namespaces.
 */
import type { EnginePacketType } from '@parley/protocol';
import { LocalEmitter } from '../emitter.js';
import { ClientError, TransportError } from '../errors.js';
import { createCookieJar, isNode } from '../platform.js';
import { resolveTimers, type Timers } from '../timers.js';
import { type EngineOptions, type ResolvedEngineOptions, resolveEngineOptions } from './options.js';
import { Polling } from './polling.js';
import { Sse } from './sse.js';
import type { CloseDetails, IncomingPacket, OutgoingPacket, Transport, TransportName } from './transport.js';
import { Watchdog } from './watchdog.js';
import { WebSocketTransport } from './websocket.js';

export type EngineState = 'opening' | 'open' | 'closing' | 'closed';

/** The server's open packet. */
export interface HandshakeData {
  sid: string;
  upgrades: string[];
  pingInterval: number;
  pingTimeout: number;
  maxPayload: number;
}

export type EngineEvents = {
  open: () => void;
  /** The server's open packet, parsed; fired before 'open', while `id` is still unset. */
  handshake: (data: HandshakeData) => void;
  packet: (packet: IncomingPacket) => void;
  /** After each packet received: the session is alive. */
  heartbeat: () => void;
  /** A packet queued for sending (the object in the write buffer, `options.compress` set). */
  packetCreate: (packet: OutgoingPacket) => void;
  /** An Engine.IO message (fired before `message`, with the same data). */
  data: (data: string | Uint8Array | ArrayBuffer) => void;
  /** An Engine.IO message. */
  message: (data: string | Uint8Array | ArrayBuffer) => void;
  ping: () => void;
  /** The pong answering a ping has been queued (right after 'ping'). */
  pong: () => void;
  drain: () => void;
  flush: () => void;
  upgrading: (transport: Transport) => void;
  upgrade: (transport: Transport) => void;
  /** A failed upgrade probe: `error.transport` names the probed transport. */
  upgradeError: (error: TransportError) => void;
  error: (error: Error) => void;
  close: (reason: string, details?: CloseDetails | Error) => void;
};

const TRANSPORTS = { polling: Polling, websocket: WebSocketTransport, sse: Sse };

/** How received binary is handed over: Buffers (Node's default) or ArrayBuffers (browsers'). */
export type BinaryType = 'nodebuffer' | 'arraybuffer';
const encoder = new TextEncoder();

/** Whether a WebSocket opened in this page/process before (for `rememberUpgrade`). */
let priorWebsocketSuccess = false;

/**
 * One Engine.IO connection. Opens at construction.
 *
 * States (`readyState`), as in engine.io-client, and what moves a session between them:
 *
 *    new Engine()      the server's open packet          close()
 *    ---------> opening -----------------------> open ----------------> closing
 *                |  ^   emits 'open', arms the     |   (packets already   | 'drain' (at once if
 *                +--+   heartbeat watchdog,        |    queued are sent   | nothing is queued or
 *     a transport error  probes upgrades           |    first)            | an upgrade runs):
 *     with tryAllTransports:                       |                      v 'forced close'
 *     the next transport                           +----------------> closed --> 'close' (reason)
 *
 *    Straight to closed (reason in quotes):
 *      no ping within pingInterval + pingTimeout    'ping timeout'       open, closing
 *        (the watchdog, or hasPingExpired() when
 *        throttled timers let it oversleep)
 *      the transport closed, the browser went       'transport close'    any state
 *        offline
 *      a transport error, a bad handshake           'transport error'    any state
 *                                                   (after 'error')
 *
 *    closed is final: the Manager reconnects with a new Engine. Closing and closed drop what is
 *    sent. Upgrades run beside the state, while open: for each upgrade the server offers (and the
 *    options allow), a probe transport opens and sends `2probe`; on `3probe` comes 'upgrading'
 *    (writes wait), the current transport pauses, `5` goes out on the probe, and the probe
 *    becomes the transport ('upgrade'). A failed probe ('upgradeError') leaves the session on
 *    its transport.
 *
 *    Each packet received while not closed fires 'packet', then 'heartbeat', then: the open
 *    packet 'handshake' (the parsed data) and 'open'; a ping 'ping' and 'pong' (once the pong is
 *    queued); a message 'data' and 'message'. Same names, arguments and order as engine.io-client.
 *
 * @example
 * const engine = new Engine('http://localhost:3000', { path: '/engine.io' });
 * engine.on('open', () => engine.send('hello'));
 */
export class Engine extends LocalEmitter<EngineEvents> {
  /** The session id: undefined until the handshake, null once closed (as in engine.io-client). */
  declare id: string | null | undefined;
  readyState: EngineState = 'opening';
  declare transport: Transport;
  upgrades: string[] = [];
  pingInterval = 0;
  pingTimeout = 0;
  maxPayload = 0;
  /** Set to `'arraybuffer'` to receive ArrayBuffers in Node too. */
  binaryType: BinaryType = isNode ? 'nodebuffer' : 'arraybuffer';
  declare readonly opts: ResolvedEngineOptions;
  /**
   * Packets queued and not yet drained (those handed to the transport stay until their batch
   * has drained), as engine.io-client's `writeBuffer`; emptied after 'close'.
   */
  writeBuffer: OutgoingPacket[] = [];
  /**
   * True from the probe's pong until just after 'upgrade' (writes wait meanwhile); undefined
   * before the first upgrade, as in engine.io-client.
   */
  declare upgrading: boolean | undefined;
  readonly #timers: Timers;
  readonly #watchdog: Watchdog;
  /** A missed heartbeat was found by `hasPingExpired()`; the close is on its way. */
  #pingExpired = false;
  #inFlight = 0;
  #transports: TransportName[];
  #removeWindowListeners: (() => void) | undefined;

  constructor(uri?: string | EngineOptions, opts: EngineOptions = {}) {
    super();
    if (uri && typeof uri === 'object') [uri, opts] = [undefined, uri];
    this.opts = resolveEngineOptions(uri, opts);
    // Shared by this session's transports through their options (browsers keep cookies themselves)
    if (isNode && opts.withCredentials) this.opts.cookies = createCookieJar();
    this.#timers = opts.timers ?? resolveTimers(opts);
    this.#watchdog = new Watchdog(this.#timers, () => this.#onClose('ping timeout'));
    this.#transports = opts.transports ? [...opts.transports] : ['polling', 'websocket'];
    this.#listenToWindow();
    this.#open();
  }

  /** Queues an Engine.IO message; `callback` runs once it has been handed to the transport. */
  send(data: string | Uint8Array, options?: OutgoingPacket['options'], callback?: () => void): this {
    this.#sendPacket('message', data, options, callback);
    return this;
  }

  /** Alias of {@link send}. */
  write(data: string | Uint8Array, options?: OutgoingPacket['options'], callback?: () => void): this {
    return this.send(data, options, callback);
  }

  /** Closes the session once queued packets are sent (a running upgrade probe is abandoned). */
  close(): this {
    if (this.readyState !== 'opening' && this.readyState !== 'open') return this;
    this.readyState = 'closing';
    const finish = () => this.#onClose('forced close');
    // A probe that holds writes (upgrading, still on the paused HTTP transport) would never let them
    // drain: close at once. From an 'upgrade' listener (upgrading, already switched) they drain first.
    if (this.writeBuffer.length && !(this.upgrading && this.transport.pause)) this.once('drain', finish);
    else finish();
    return this;
  }

  /**
   * True if no ping arrived in time although the watchdog timer has not fired, which happens
   * when a background tab's timers are throttled; the session is then closed on the next turn.
   */
  hasPingExpired(): boolean {
    // Stays true until the close: every emit made meanwhile is buffered for the next connection.
    if (this.#pingExpired) return true;
    if (!this.#watchdog.expired) return false;
    this.#pingExpired = true;
    this.#watchdog.stop();
    this.#timers.setTimeout(() => this.#onClose('ping timeout'), 0);
    return true;
  }

  #open(): void {
    const name =
      this.opts.rememberUpgrade && priorWebsocketSuccess && this.#transports.includes('websocket')
        ? 'websocket'
        : this.#transports[0];
    this.readyState = 'opening';
    const transport = this.#createTransport(name);
    this.#setTransport(transport);
    transport.open();
  }

  #createTransport(name: TransportName): Transport {
    const { opts } = this;
    const query = { ...opts.query };
    if (this.id) query.sid = this.id;
    return new TRANSPORTS[name]({ ...opts, query, ...opts.transportOptions?.[name] });
  }

  #setTransport(transport: Transport): void {
    const previous = this.transport;
    // After an upgrade, packets the server sent on the old transport before it switched (an SSE
    // stream is read until the server ends it) still count: keep only its packet listener.
    previous?.off('drain').off('error').off('close');
    this.transport = transport;
    transport
      .on('drain', () => this.#onDrain())
      .on('packet', (packet) => this.#onPacket(packet))
      .on('error', (error) => this.#onError(error))
      .on('close', (details) => this.#onClose('transport close', details));
  }

  #onPacket(packet: IncomingPacket): void {
    if (this.readyState === 'closed') return;
    let { data } = packet;
    // Transports hand Node's Buffers over as they are; a copy only when ArrayBuffers are asked
    // for (before `packet` listeners see it, as in engine.io-client). Browsers get ArrayBuffers
    // from the transports already.
    if (isNode && this.binaryType === 'arraybuffer' && data instanceof Uint8Array) {
      packet.data = data = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
    }
    this.emit('packet', packet);
    this.emit('heartbeat');
    switch (packet.type) {
      case 'open':
        this.#onHandshake(data);
        return;
      case 'ping':
        this.#watchdog.arm(this.pingInterval + this.pingTimeout);
        this.#sendPacket('pong');
        this.emit('ping');
        this.emit('pong');
        return;
      case 'message':
        this.emit('data', data!);
        this.emit('message', data!);
        return;
    }
  }

  #onHandshake(data: IncomingPacket['data']): void {
    let handshake: HandshakeData;
    try {
      handshake = JSON.parse(data as string);
      if (typeof handshake.sid !== 'string') throw new ClientError('HANDSHAKE_ERROR', 'no sid');
    } catch (error) {
      this.#onError(new TransportError('invalid handshake', error, 'HANDSHAKE_ERROR'));
      return;
    }
    this.emit('handshake', handshake);
    this.id = handshake.sid;
    this.transport.opts.query.sid = handshake.sid;
    this.upgrades = (handshake.upgrades ?? []).filter((name) => this.#transports.includes(name as TransportName));
    this.pingInterval = handshake.pingInterval;
    this.pingTimeout = handshake.pingTimeout;
    this.maxPayload = handshake.maxPayload;
    this.readyState = 'open';
    priorWebsocketSuccess = this.transport.name === 'websocket';
    this.emit('open');
    this.#flush();
    if (this.readyState !== 'open') return;
    this.#watchdog.arm(this.pingInterval + this.pingTimeout);
    if (this.opts.upgrade && this.transport.pause) {
      for (const name of this.upgrades) this.#probe(name as TransportName);
    }
  }

  #sendPacket(
    type: EnginePacketType,
    data?: string | Uint8Array,
    options?: OutgoingPacket['options'],
    callback?: () => void,
  ): void {
    if (this.readyState === 'closing' || this.readyState === 'closed') return;
    if (options?.compress === undefined) options = { ...options, compress: true };
    const packet: OutgoingPacket = { type, data, options };
    this.emit('packetCreate', packet);
    this.writeBuffer.push(packet);
    if (callback) this.once('flush', callback);
    this.#flush();
  }

  #flush(): void {
    if (this.readyState === 'closed' || !this.transport.writable || this.upgrading || !this.writeBuffer.length) return;
    const packets = this.#writablePackets();
    this.#inFlight = packets.length;
    this.transport.send(packets);
    this.emit('flush');
  }

  /** Polling bodies must stay under the server's maxPayload: take as many packets as fit. */
  #writablePackets(): OutgoingPacket[] {
    const buffer = this.writeBuffer;
    let i = 0;
    if (this.transport.name !== 'websocket' && this.maxPayload) {
      // each record: type digit + data (binary as base64) + separator
      for (let size = 0; i < buffer.length; i++) {
        const { data } = buffer[i];
        size += 2 + (typeof data === 'string' ? encoder.encode(data).length : data ? (data.byteLength * 4) / 3 + 4 : 0);
        if (i > 0 && size > this.maxPayload) break;
      }
    }
    return buffer.slice(0, i || buffer.length);
  }

  #onDrain(): void {
    this.writeBuffer.splice(0, this.#inFlight);
    this.#inFlight = 0;
    if (this.writeBuffer.length) this.#flush();
    else this.emit('drain');
  }

  /** Opens `name` beside the current transport, checks it with a ping probe, then switches. */
  #probe(name: TransportName): void {
    const probe = this.#createTransport(name);
    let failed = false;
    priorWebsocketSuccess = false;
    // engine.io-client's error: "probe error", what failed, and the probed transport's name
    const fail = (what?: string, cause?: unknown) => {
      if (failed) return;
      failed = true;
      cleanup();
      probe.close();
      const error = new TransportError(what ? `probe error: ${what}` : 'probe error', cause, 'PROBE_ERROR');
      error.transport = name;
      this.emit('upgradeError', error);
    };
    const onSessionClose = () => fail('socket closed');
    const cleanup = () => {
      probe.off();
      this.off('close', onSessionClose);
    };
    this.once('close', onSessionClose);
    // engine.io-client appends the transport's error as a string, and its TransportError's name is 'Error'
    probe.once('error', (error) => fail(`Error: ${error.message}`, error));
    probe.once('close', () => fail('transport closed'));
    probe.once('open', () => {
      probe.send([{ type: 'ping', data: 'probe' }]);
      probe.once('packet', (packet) => {
        if (failed) return;
        if (packet.type !== 'pong' || packet.data !== 'probe') {
          return fail(undefined, packet);
        }
        this.upgrading = true;
        this.emit('upgrading', probe);
        priorWebsocketSuccess = probe.name === 'websocket';
        this.transport.pause!(() => {
          if (failed || this.readyState === 'closed') return;
          cleanup();
          this.#setTransport(probe);
          probe.send([{ type: 'upgrade' }]);
          this.emit('upgrade', probe);
          this.upgrading = false;
          this.#flush();
        });
      });
    });
    probe.open();
  }

  #onError(error: Error): void {
    priorWebsocketSuccess = false;
    if (this.opts.tryAllTransports && this.#transports.length > 1 && this.readyState === 'opening') {
      this.transport.off('packet');
      this.transport.close();
      this.#transports = this.#transports.slice(1);
      this.#open();
      return;
    }
    this.emit('error', error);
    this.#onClose('transport error', error);
  }

  #onClose(reason: string, details?: CloseDetails | Error): void {
    if (this.readyState === 'closed') return;
    this.#watchdog.stop();
    this.#removeWindowListeners?.();
    this.transport.off();
    this.transport.close();
    this.readyState = 'closed';
    this.id = null;
    this.emit('close', reason, details);
    // no drain can follow: the transport's listeners are gone, so #inFlight needs no reset
    this.writeBuffer = [];
  }

  /** Browsers: optionally close before the page unloads, and close at once when the network goes. */
  #listenToWindow(): void {
    if (typeof addEventListener !== 'function' || typeof removeEventListener !== 'function') return;
    const beforeUnload = () => {
      this.transport.off();
      this.transport.close();
    };
    const offline = () => this.#onClose('transport close', { description: 'network connection lost' });
    if (this.opts.closeOnBeforeunload) addEventListener('beforeunload', beforeUnload, false);
    if (this.opts.hostname !== 'localhost') addEventListener('offline', offline, false);
    this.#removeWindowListeners = () => {
      removeEventListener('beforeunload', beforeUnload, false);
      removeEventListener('offline', offline, false);
    };
  }
}
