/**
 * The Socket.IO server: wraps the engine, owns the namespaces, and offers the main namespace's
 * API (`io.on('connection')`, `io.emit`, `io.to(room)`, ...) directly.
 *
 * @example
 * const io = new Server(httpServer);
 * io.on('connection', (socket) => socket.on('chat message', (msg) => io.emit('chat message', msg)));
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { Http2SecureServer } from 'node:http2';
import { Decoder } from '@parley/protocol';
import type { AdapterContract } from './adapter/adapter-types.js';
import { InMemoryAdapter } from './adapter/in-memory-adapter.js';
import { SessionAwareAdapter } from './adapter/session-aware-adapter.js';
import { Client } from './connection/client.js';
import { type MetricsSnapshot, ServerMetrics } from './diagnostics/metrics.js';
import { PeerLog } from './diagnostics/peer-log.js';
import type { EngineSocketLike } from './engine/contract.js';
import { createCorsMiddleware, EngineServer, type Middleware, normalizePath } from './engine-binding.js';
import { reportUserError } from './errors.js';
import type { DefaultEventsMap, EventsMap } from './events/typed-events.js';
import { MainNamespaceFacade } from './namespace/main-namespace-facade.js';
import { type AnyNamespace, Namespace } from './namespace/namespace.js';
import { namespaceSeam } from './namespace/namespace-seam.js';
import { ParentNamespace } from './namespace/parent-namespace.js';
import { BUILT_IN_ENCODER, type PacketEncoder, type PacketParser } from './packets/packet-codec.js';
import { attachServe } from './serve-client/serve-client.js';
import { registerServerInternals, type ServerInternals } from './server-internals.js';
import {
  type AdapterConstructor,
  type ConnectionStateRecoveryOptions,
  DEFAULT_CONNECT_TIMEOUT,
  DEFAULT_MAX_DISCONNECTION_DURATION,
  DEFAULT_PATH,
  type ServerOptions,
} from './server-options.js';
import type { Socket } from './socket/socket.js';

type HttpLikeServer = HttpServer | Http2SecureServer;
type NamespaceCheck = (
  name: string,
  auth: Record<string, unknown>,
  next: (err: Error | null, allow: boolean) => void,
) => void;

/** The server's side of {@link ServerInternals}. */
class Internals implements ServerInternals {
  readonly metrics = new ServerMetrics();
  readonly peerLog = new PeerLog();
  readonly recovery: Required<ConnectionStateRecoveryOptions> | undefined;
  readonly maxAttachments: number | undefined;
  readonly cleanupEmptyChildNamespaces: boolean;
  /** The `adapter` option; `io.adapter(value)` replaces it. */
  adapter: AdapterConstructor | undefined;
  #textDecoder: Decoder | undefined;

  constructor(opts: Partial<ServerOptions>) {
    this.adapter = opts.adapter;
    this.maxAttachments = opts.maxAttachments;
    this.cleanupEmptyChildNamespaces = opts.cleanupEmptyChildNamespaces === true;
    if (opts.connectionStateRecovery) {
      this.recovery = {
        maxDisconnectionDuration: DEFAULT_MAX_DISCONNECTION_DURATION,
        skipMiddlewares: true,
        ...opts.connectionStateRecovery,
      };
    }
  }

  get textDecoder(): Decoder {
    this.#textDecoder ??= new Decoder({ maxAttachments: this.maxAttachments });
    return this.#textDecoder;
  }

  /**
   * The class used without an `adapter` option, which `io.adapter()` returns as socket.io does
   * (apps subclass it): the session-keeping one with connection state recovery.
   */
  defaultAdapter(): AdapterConstructor {
    return this.recovery === undefined ? InMemoryAdapter : SessionAwareAdapter;
  }

  createAdapter(nsp: AnyNamespace): AdapterContract {
    // With `new`, as socket.io does: a factory function (createAdapter(...)) returning an object
    // works too.
    if (this.adapter !== undefined) return new (this.adapter as new (n: typeof nsp) => AdapterContract)(nsp);
    if (this.recovery !== undefined) return new SessionAwareAdapter(nsp, this.recovery.maxDisconnectionDuration);
    return new InMemoryAdapter(nsp);
  }
}

export class Server<
  ListenEvents extends EventsMap = DefaultEventsMap,
  EmitEvents extends EventsMap = DefaultEventsMap,
  ServerSideEvents extends EventsMap = DefaultEventsMap,
  // biome-ignore lint/suspicious/noExplicitAny: socket.io's default for untyped data
  SocketData = any,
> extends MainNamespaceFacade<ListenEvents, EmitEvents, ServerSideEvents, SocketData> {
  /** The main namespace, `/`. */
  readonly sockets: Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>;
  /** The engine (Engine.IO server); set once attached. `io.engine.use(...)` adds HTTP middleware. */
  engine!: InstanceType<typeof EngineServer>;
  /** The HTTP server attached to, if any. */
  httpServer: HttpLikeServer | undefined;
  /** socket.io compatibility surface: namespaces by name. */
  readonly _nsps = new Map<string, Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>>();
  /** socket.io compatibility surface: the `connectTimeout` option. */
  _connectTimeout: number;
  /** The packet encoder (socket.io's `io.encoder`): a custom parser's, or the built-in codec's. */
  readonly encoder: PacketEncoder;
  /** socket.io compatibility surface: the custom parser from the `parser` option, if any. */
  readonly _parser: PacketParser | undefined;
  readonly #internals: Internals;
  readonly #opts: Partial<ServerOptions>;
  readonly #parents = new Map<
    NamespaceCheck,
    ParentNamespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>
  >();
  readonly #regexParents = new Map<RegExp, ParentNamespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>>();
  #path = DEFAULT_PATH;
  #serveClient = true;
  /** Every engine started by {@link attach} since the last {@link close}, with its bundle route. */
  #attachments: { engine: InstanceType<typeof EngineServer>; detachServe: (() => void) | undefined }[] = [];

  constructor(opts?: Partial<ServerOptions>);
  constructor(srv: HttpLikeServer | number | undefined, opts?: Partial<ServerOptions>);
  constructor(srv?: HttpLikeServer | number | Partial<ServerOptions>, opts: Partial<ServerOptions> = {}) {
    super();
    if (srv !== undefined && typeof srv === 'object' && !isHttpServer(srv)) {
      opts = srv;
      srv = undefined;
    }
    this.#opts = { ...opts };
    this.#path = normalizePath(opts.path ?? DEFAULT_PATH);
    this.#serveClient = opts.serveClient !== false;
    this.#internals = new Internals(opts);
    registerServerInternals(this, this.#internals);
    this._connectTimeout = opts.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT;
    this._parser = opts.parser;
    this.encoder = opts.parser !== undefined ? new opts.parser.Encoder() : BUILT_IN_ENCODER;
    // As in socket.io, `opts.connectionStateRecovery` holds the resolved options: the official
    // adapters read `maxDisconnectionDuration` there.
    if (this.#internals.recovery !== undefined) this.#opts.connectionStateRecovery = this.#internals.recovery;
    this.sockets = this.of('/');
    if (srv !== undefined) this.attach(srv as HttpLikeServer | number);
  }

  /**
   * socket.io compatibility surface (see `SocketIoAdapterServer`): the options the server was
   * created with, `connectionStateRecovery` resolved. The official adapters read it.
   */
  get opts(): Partial<ServerOptions> {
    return this.#opts;
  }

  /** socket.io compatibility surface: socket.io's older name of {@link opts}. */
  get _opts(): Partial<ServerOptions> {
    return this.#opts;
  }

  /**
   * Attaches to an HTTP server, or creates one listening on `port` (which answers 404 outside
   * the engine path). As in socket.io, the constructor's options win over `opts`, and the path
   * is `opts.path` only when the constructor named none. Attaching again (after `close()`, or
   * to a second server) starts another engine; `close()` closes them all.
   *
   * @example
   * const io = new Server({ cors: { origin: '*' } });
   * io.attach(httpServer, { pingInterval: 10_000 });
   */
  attach(srv: HttpLikeServer | number | string, opts: Partial<ServerOptions> = {}): this {
    if (typeof srv === 'function') {
      throw new TypeError('attach() needs an http.Server instance, not a request handler such as an Express app');
    }
    const httpServer = typeof srv === 'number' || typeof srv === 'string' ? listenOwnServer(Number(srv)) : srv;
    const engineOptions = { ...opts, ...this.#opts } as ServerOptions;
    engineOptions.path = engineOptions.path || this.#path;
    const engine = new EngineServer(engineOptions);
    engine.attach(httpServer as HttpServer, engineOptions);
    this.bind(engine);
    // In front of the engine's listener, which would answer the bundle's URLs with a 400.
    const detachServe = this.#serveClient
      ? attachServe(httpServer as HttpServer, this.#path, undefined, serveCors(engineOptions))
      : undefined;
    this.#attachments.push({ engine, detachServe });
    this.httpServer = httpServer;
    return this;
  }

  /** Alias of {@link attach}. */
  listen(srv: HttpLikeServer | number | string, opts: Partial<ServerOptions> = {}): this {
    return this.attach(srv, opts);
  }

  /** Uses an engine created elsewhere. */
  bind(engine: InstanceType<typeof EngineServer>): this {
    this.engine = engine;
    engine.on('connection', (conn: EngineSocketLike) => this.#onconnection(conn));
    return this;
  }

  /** Gets or sets whether the client bundle is served (set before attaching). */
  serveClient(): boolean;
  serveClient(value: boolean): this;
  serveClient(value?: boolean): this | boolean {
    if (value === undefined) return this.#serveClient;
    this.#serveClient = value;
    return this;
  }

  /** Gets or sets the endpoint path (set before attaching). */
  path(): string;
  path(value: string): this;
  path(value?: string): this | string {
    if (value === undefined) return this.#path;
    this.#path = normalizePath(value);
    return this;
  }

  connectTimeout(): number;
  connectTimeout(value: number): this;
  connectTimeout(value?: number): this | number {
    if (value === undefined) return this._connectTimeout;
    this._connectTimeout = value;
    return this;
  }

  /** Gets or sets the adapter class; setting it re-creates every namespace's adapter. */
  adapter(): AdapterConstructor | undefined;
  adapter(value: AdapterConstructor): this;
  adapter(value?: AdapterConstructor): this | AdapterConstructor | undefined {
    if (value === undefined) return this.#internals.adapter ?? this.#internals.defaultAdapter();
    this.#internals.adapter = value;
    for (const nsp of this._nsps.values()) nsp._initAdapter();
    return this;
  }

  /**
   * Looks up or creates a namespace. A RegExp or a function creates a parent of dynamic
   * namespaces: a child is created for each name it accepts.
   *
   * @example
   * io.of(/^\/team-\d+$/).on('connection', (socket) => socket.nsp.name);
   */
  of(
    name: string | RegExp | NamespaceCheck,
    fn?: (socket: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>) => void,
  ): Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData> {
    if (typeof name === 'function' || name instanceof RegExp) {
      const parent = new ParentNamespace(this);
      if (typeof name === 'function') {
        this.#parents.set(name, parent);
      } else {
        this.#parents.set((nsp, _auth, next) => next(null, name.test(nsp)), parent);
        this.#regexParents.set(name, parent);
      }
      if (fn) parent.on('connect', fn);
      return parent;
    }
    const nspName = name.startsWith('/') ? name : `/${name}`;
    let nsp = this._nsps.get(nspName);
    if (nsp === undefined) {
      for (const [regex, parent] of this.#regexParents) if (regex.test(nspName)) return parent.createChild(nspName);
      nsp = new Namespace(this, nspName);
      this._nsps.set(nspName, nsp);
      if (nspName !== '/') namespaceSeam.emitNewNamespace(this.sockets, nsp);
    }
    if (fn) nsp.on('connect', fn);
    return nsp;
  }

  /**
   * socket.io compatibility surface: asks the dynamic-namespace parents, in order, whether `name`
   * may exist.
   */
  _checkNamespace(
    name: string,
    auth: Record<string, unknown>,
    done: (nsp: Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData> | false) => void,
  ): void {
    const parents = [...this.#parents];
    const tryNext = (index: number): void => {
      if (index >= parents.length) {
        done(false);
        return;
      }
      const [check, parent] = parents[index];
      let answered = false;
      const next = (err: Error | null, allow: boolean) => {
        if (answered) return;
        answered = true;
        if (err || !allow) tryNext(index + 1);
        else done(this._nsps.get(name) ?? parent.createChild(name));
      };
      try {
        check(name, auth, next);
      } catch (error) {
        reportUserError(this.sockets, error, 'dynamic namespace check', this.#internals.peerLog.fallbackFor('-'));
        next(error instanceof Error ? error : new Error(String(error)), false);
      }
    };
    tryNext(0);
  }

  /**
   * A snapshot of this server's counters (Parley addition; socket.io has none): connections,
   * sockets per namespace, packets and bytes in and out, queued bytes, disconnect reasons,
   * recoveries, adapter requests and their latency. The first call also starts sampling the
   * event-loop delay (`eventLoopLag` in later snapshots), until `close()`.
   */
  metrics(): MetricsSnapshot {
    this.#internals.metrics.startEventLoopMonitor();
    const socketsByNamespace: Record<string, number> = {};
    const connections = new Set<object>();
    for (const [name, nsp] of this._nsps) {
      socketsByNamespace[name] = nsp.sockets.size;
      for (const socket of nsp.sockets.values()) connections.add(socket.client.conn);
    }
    let queuedBytes = 0;
    // Parley's engine reports its send buffer; engine.io (through `io.bind()`) does not.
    for (const conn of connections) queuedBytes += (conn as { bufferedBytes?: number }).bufferedBytes ?? 0;
    return this.#internals.metrics.snapshot(socketsByNamespace, queuedBytes);
  }

  /**
   * Disconnects every socket ('server shutting down'), closes the adapters, the engine and the
   * HTTP server. It resolves without help from the application: the closed engine answers every
   * request under its path (pending polls get the close packet, later ones a 400) and marks those
   * answers `Connection: close`, and `httpServer.close()` drops the idle keep-alive connections.
   */
  async close(fn?: (err?: Error) => void): Promise<void> {
    for (const nsp of this._nsps.values()) {
      for (const socket of [...nsp.sockets.values()]) socket._onclose('server shutting down');
    }
    await Promise.allSettled([...this._nsps.values()].map((nsp) => nsp.adapter.close()));
    this.engine?.close();
    for (const { engine, detachServe } of this.#attachments.splice(0)) {
      engine.close();
      detachServe?.();
    }
    this.#internals.peerLog.close();
    this.#internals.metrics.stopEventLoopMonitor();
    const httpServer = this.httpServer;
    if (httpServer === undefined) {
      fn?.();
      return;
    }
    // As socket.io: the callback gets the HTTP server's answer (ERR_SERVER_NOT_RUNNING when it
    // was not listening); the promise resolves either way.
    await new Promise<void>((resolve) =>
      httpServer.close((err?: Error) => {
        fn?.(err);
        resolve();
      }),
    );
  }

  #onconnection(conn: EngineSocketLike): void {
    new Client(this, conn);
  }
}

/** The HTTP server `new Server(port)` / `io.listen(port)` own: what is not the engine's gets a 404. */
function listenOwnServer(port: number): HttpServer {
  const httpServer = createServer((_req, res) => {
    res.writeHead(404);
    res.end();
  });
  httpServer.listen(port);
  return httpServer;
}

/** The CORS middleware of the bundle route: the same `cors` option as the engine's requests. */
function serveCors(options: ServerOptions): Middleware | undefined {
  return options.cors ? createCorsMiddleware(options.cors) : undefined;
}

function isHttpServer(value: object): value is HttpLikeServer {
  return typeof (value as { listen?: unknown }).listen === 'function';
}
