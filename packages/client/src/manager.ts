/**
 * The Manager: one Engine.IO connection shared by the sockets of every namespace on it, with
 * reconnection (exponential backoff with jitter) and the Socket.IO packet codec.
 */
import { Decoder, encodePacket, type ProtocolError, type SocketPacket } from '@parley/protocol';
import { Backoff } from './backoff.js';
import { defaultParser } from './default-parser.js';
import { LocalEmitter, subscribe } from './emitter.js';
import { Engine } from './engine/engine.js';
import type { EngineOptions } from './engine/options.js';
import type { CloseDetails } from './engine/transport.js';
import { ClientError, decodeError } from './errors.js';
import { type Parser, ParserCodec } from './parser.js';
import { isNode } from './platform.js';
import { Socket } from './socket.js';
import type { SocketOptions } from './socket-types.js';
import { resolveTimers, type Timers } from './timers.js';
import type { DefaultEventsMap, EventsMap } from './types.js';

export interface ManagerOptions extends EngineOptions {
  /** Always open a new Manager in `io()`, even for a URL already connected (default false). */
  forceNew?: boolean;
  /** Share one Manager per URL in `io()` (default true). */
  multiplex?: boolean;
  /** Reconnect automatically (default true). */
  reconnection?: boolean;
  /** Attempts before giving up with `reconnect_failed` (default Infinity). */
  reconnectionAttempts?: number;
  /** First reconnection delay in ms (default 1000); doubles per attempt. */
  reconnectionDelay?: number;
  /** Largest reconnection delay in ms (default 5000). */
  reconnectionDelayMax?: number;
  /** Jitter, 0 to 1 (default 0.5): each delay is spread by ±this fraction. */
  randomizationFactor?: number;
  /** Connection timeout in ms before `connect_error` (default 20000); false for none. */
  timeout?: number | false;
  /** Connect at construction (default true). */
  autoConnect?: boolean;
  /** A custom Socket.IO codec with socket.io-parser's interface (e.g. socket.io-msgpack-parser); the server must use the same. */
  parser?: Parser;
}

export type ManagerState = 'opening' | 'open' | 'closed';

export type ManagerEvents = {
  open: () => void;
  error: (error: Error) => void;
  ping: () => void;
  packet: (packet: SocketPacket) => void;
  close: (reason: string, details?: CloseDetails | Error) => void;
  reconnect_failed: () => void;
  reconnect_attempt: (attempt: number) => void;
  reconnect_error: (error: Error) => void;
  reconnect: (attempt: number) => void;
};

/**
 * One connection to a server, reconnecting as socket.io-client's Manager does. States
 * (`readyState`) and what moves it between them:
 *
 *             open() / connect()          the engine's 'open'
 *    closed --------------------> opening -------------------> open
 *     ^  ^   (a new Engine; from   |  emits 'open'             |
 *     |  |    closed only)         |                           |
 *     |  +-------------------------+                           |
 *     |   the engine's 'error', or the connection timeout      |
 *     |   passed (CONNECT_TIMEOUT): 'error'                    |
 *     +--------------------------------------------------------+
 *         the engine's 'close', or a packet that does not decode ('parse error'): 'close'
 *
 *    disconnect() / close(), or destroySocket() of the last active socket: 'close'
 *    ('forced close') from any state, and no reconnection until the next open().
 *
 *    Reconnection (`reconnecting`) runs from closed when `reconnection` is on: after an
 *    unplanned 'close', or after a first failed open() given no callback. Each attempt waits its
 *    backoff delay, emits 'reconnect_attempt' and calls open(): 'reconnect' when it opens (the
 *    backoff starts over), else 'reconnect_error' and the next delay, and 'reconnect_failed'
 *    once reconnectionAttempts are used up.
 *
 * @example
 * const manager = new Manager('https://example.com', { reconnectionDelayMax: 10000 });
 * const chat = manager.socket('/chat');
 * const admin = manager.socket('/admin', { auth: { token: 'abc' } });
 */
export class Manager<
  ListenEvents extends EventsMap = DefaultEventsMap,
  EmitEvents extends EventsMap = ListenEvents,
> extends LocalEmitter<ManagerEvents> {
  /** The current Engine.IO session, if one was opened. */
  engine: Engine | undefined;
  /** Sockets by namespace. */
  readonly nsps: Record<string, Socket> = {};
  declare readonly opts: ManagerOptions;
  declare readonly uri: string | undefined;
  declare readonly backoff: Backoff;
  #readyState: ManagerState = 'closed';
  #reconnection = true;
  #reconnecting = false;
  #skipReconnect = false;
  #attempts = Infinity;
  #timeout: number | false = 20000;
  readonly #autoConnect: boolean;
  readonly #timers: Timers;
  readonly #decoder: Decoder | ParserCodec;
  readonly #codec: ParserCodec | undefined;
  #subs: (() => void)[] = [];

  constructor(uri?: string | ManagerOptions, opts?: ManagerOptions) {
    super();
    if (uri && typeof uri === 'object') [uri, opts] = [undefined, uri];
    // The application's own object, as in socket.io-client: an option it replaces later (a new
    // `query`, `extraHeaders`) goes with the next connection.
    this.opts = opts ??= {};
    opts.path ||= '/socket.io';
    // The same clock for this Manager, its engine sessions and its sockets' ack timeouts.
    this.#timers = opts.timers = resolveTimers(opts);
    this.uri = uri;
    const parser = this.opts.parser ?? defaultParser;
    this.#codec = parser && new ParserCodec(parser);
    this.#decoder = this.#codec ?? new Decoder();
    this.backoff = new Backoff(
      this.opts.reconnectionDelay || 1000,
      this.opts.reconnectionDelayMax || 5000,
      this.opts.randomizationFactor ?? 0.5,
    );
    this.reconnection(this.opts.reconnection !== false);
    this.reconnectionAttempts(this.opts.reconnectionAttempts || Infinity);
    this.timeout(this.opts.timeout ?? 20000);
    this.#autoConnect = this.opts.autoConnect !== false;
    if (this.#autoConnect) this.open();
  }

  /** `open` while connected, `opening` while connecting, else `closed`. */
  get readyState(): ManagerState {
    return this.#readyState;
  }

  /** True while a reconnection is scheduled or running. */
  get reconnecting(): boolean {
    return this.#reconnecting;
  }

  get autoConnect(): boolean {
    return this.#autoConnect;
  }

  reconnection(): boolean;
  reconnection(value: boolean): this;
  reconnection(...value: unknown[]): boolean | this {
    // As socket.io-client: only a call without arguments reads (`reconnection(undefined)` turns
    // reconnection off), and any value is taken as a boolean.
    if (!value.length) return this.#reconnection;
    this.#reconnection = !!value[0];
    if (!value[0]) this.#skipReconnect = true;
    return this;
  }

  reconnectionAttempts(): number;
  reconnectionAttempts(value: number): this;
  reconnectionAttempts(value?: number): number | this {
    if (value === undefined) return this.#attempts;
    this.#attempts = value;
    return this;
  }

  reconnectionDelay(): number;
  reconnectionDelay(value: number): this;
  reconnectionDelay(value?: number): number | this {
    return this.#backoffOption('min', value);
  }

  reconnectionDelayMax(): number;
  reconnectionDelayMax(value: number): this;
  reconnectionDelayMax(value?: number): number | this {
    return this.#backoffOption('max', value);
  }

  randomizationFactor(): number;
  randomizationFactor(value: number): this;
  randomizationFactor(value?: number): number | this {
    return this.#backoffOption('jitter', value);
  }

  #backoffOption(key: 'min' | 'max' | 'jitter', value?: number): number | this {
    if (value === undefined) return this.backoff[key];
    this.backoff[key] = value;
    return this;
  }

  timeout(): number | false;
  timeout(value: number | false): this;
  timeout(...value: (number | false)[]): number | false | this {
    // only a call without arguments reads, as in socket.io-client
    if (!value.length) return this.#timeout;
    this.#timeout = value[0];
    return this;
  }

  /**
   * Opens the connection if it is not open or opening. `callback` receives the error if this
   * attempt fails (and then no automatic reconnection is started by this call).
   */
  open(callback?: (error?: Error) => void): this {
    if (this.#readyState !== 'closed') return this;
    const engine = new Engine(this.uri, this.opts);
    this.engine = engine;
    this.#readyState = 'opening';
    this.#skipReconnect = false;
    const onError = (error: Error) => {
      this.#cleanup();
      this.#readyState = 'closed';
      this.emit('error', error);
      if (callback) callback(error);
      else if (!this.#reconnecting && this.#reconnection && this.backoff.attempts === 0) this.#reconnect();
    };
    this.#subs.push(
      subscribe(engine, 'open', () => {
        this.#onOpen(engine);
        callback?.();
      }),
      subscribe(engine, 'error', onError),
    );
    if (this.#timeout !== false) {
      const timer = this.#timers.setTimeout(() => {
        onError(new ClientError('CONNECT_TIMEOUT', 'timeout'));
        engine.close();
      }, this.#timeout);
      this.#subs.push(() => this.#timers.clearTimeout(timer));
    }
    return this;
  }

  /** Alias of {@link open}. */
  connect(callback?: (error?: Error) => void): this {
    return this.open(callback);
  }

  /**
   * The socket for a namespace, created on first use; sockets are shared per namespace.
   *
   * @example const admin = manager.socket('/admin');
   */
  socket(nsp: string, opts?: SocketOptions): Socket<ListenEvents, EmitEvents> {
    let socket = this.nsps[nsp];
    if (!socket) {
      socket = new Socket(this as Manager, nsp, opts);
      this.nsps[nsp] = socket;
    } else if (this.#autoConnect && !socket.active) {
      socket.connect();
    }
    return socket as Socket<ListenEvents, EmitEvents>;
  }

  /** Closes the connection for good (no reconnection). */
  disconnect(): void {
    this.#skipReconnect = true;
    this.#reconnecting = false;
    this.#onClose('forced close');
  }

  /** Alias of {@link disconnect}. */
  close(): void {
    this.disconnect();
  }

  /** Called by a socket that became inactive: once none is active, the connection is closed. */
  destroySocket(_socket: Socket): void {
    for (const nsp in this.nsps) if (this.nsps[nsp].active) return;
    this.disconnect();
  }

  /** Encodes and writes one Socket.IO packet (the text part, then its binary attachments). */
  writePacket(packet: SocketPacket, options?: { compress?: boolean }): void {
    const engine = this.engine;
    if (!engine) return;
    if (this.#codec) {
      for (const message of this.#codec.encode(packet)) engine.write(message, options);
      return;
    }
    const { text, attachments } = encodePacket(packet);
    engine.write(text, options);
    for (const attachment of attachments) engine.write(attachment, options);
  }

  #onOpen(engine: Engine): void {
    this.#cleanup();
    this.#readyState = 'open';
    this.emit('open');
    this.#subs.push(
      subscribe(engine, 'ping', () => this.emit('ping')),
      subscribe(engine, 'message', (data: string | Uint8Array | ArrayBuffer) => this.#onData(data)),
      subscribe(engine, 'error', (error: Error) => this.emit('error', error)),
      subscribe(engine, 'close', (reason: string, details?: CloseDetails | Error) => this.#onClose(reason, details)),
    );
  }

  #onData(data: string | Uint8Array | ArrayBuffer): void {
    let packet: SocketPacket | undefined;
    try {
      packet = this.#decoder.add(data);
    } catch (error) {
      // a custom parser's error as it threw it; the built-in codec's as socket.io-parser words it
      this.#onClose('parse error', this.#codec ? (error as Error) : decodeError(error as ProtocolError, data));
      return;
    }
    // Handed over on a tick of its own, as socket.io-client does: an exception in a user's listener
    // is then reported on its own (uncaught) instead of unwinding through the transport, where it
    // dropped the rest of the payload and stopped the polling loop or the WebSocket's reader. In
    // Node that tick is process.nextTick, as there: a listener's own nextTick callbacks run after
    // the other packets of the same read. Browsers: a microtask (its `Promise.resolve().then`).
    if (packet) (isNode ? process.nextTick : queueMicrotask)(() => this.emit('packet', packet));
  }

  #cleanup(): void {
    for (const unsubscribe of this.#subs) unsubscribe();
    this.#subs = [];
    this.#decoder.reset();
  }

  #onClose(reason: string, details?: CloseDetails | Error): void {
    this.#cleanup();
    this.engine?.close();
    this.backoff.reset();
    this.#readyState = 'closed';
    this.emit('close', reason, details);
    if (this.#reconnection && !this.#skipReconnect) this.#reconnect();
  }

  #reconnect(): void {
    if (this.#reconnecting || this.#skipReconnect) return;
    if (this.backoff.attempts >= this.#attempts) {
      this.backoff.reset();
      this.#reconnecting = false;
      this.emit('reconnect_failed');
      return;
    }
    const delay = this.backoff.duration();
    this.#reconnecting = true;
    const timer = this.#timers.setTimeout(() => {
      if (this.#skipReconnect) return;
      this.emit('reconnect_attempt', this.backoff.attempts);
      if (this.#skipReconnect) return;
      this.open((error) => {
        if (error) {
          this.#reconnecting = false;
          this.#reconnect();
          this.emit('reconnect_error', error);
        } else {
          const attempts = this.backoff.attempts;
          this.#reconnecting = false;
          this.backoff.reset();
          this.emit('reconnect', attempts);
        }
      });
    }, delay);
    this.#subs.push(() => this.#timers.clearTimeout(timer));
  }
}
