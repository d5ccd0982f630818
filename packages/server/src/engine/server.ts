/**
 * The engine server: checks each request against the protocol, runs HTTP middlewares and
 * `allowRequest`, performs handshakes and hands session requests to their transport.
 */
import { EventEmitter } from 'node:events';
import { type Server as HttpServer, type IncomingMessage, type OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import type { EngineServerLike } from './contract.js';
import { createLogger } from './debug.js';
import { PollingTransportV3 } from './eio3/polling.js';
import { type EngineProtocol, protocolOf } from './eio3/revision.js';
import { WebSocketTransportV3 } from './eio3/websocket.js';
import {
  EngineError,
  REQUEST_ERROR_MESSAGES,
  RequestError,
  RequestErrorCode,
  type RequestErrorNumber,
} from './errors.js';
import { serializeSessionCookie } from './http/cookie.js';
import { createCorsMiddleware } from './http/cors.js';
import { Http2Sessions } from './http/http2-sessions.js';
import { interceptRequests } from './http/intercept.js';
import { type Middleware, runMiddlewares } from './http/middleware.js';
import { closeConnectionAfter, closeHttp2Session, isHttp2, refuseUpgrade, respondError } from './http/respond.js';
import { generateId } from './ids.js';
import { type AttachOptions, type ResolvedOptions, resolveOptions, type ServerOptions } from './options.js';
import type { PublicPacket } from './packet.js';
import { queryOf, sessionIdOf, sessionRequest } from './request.js';
import { allowHandshake, verifyRequest } from './request-checks.js';
import type { SessionRouter } from './session-router.js';
import { SharedStrings } from './shared-strings.js';
import { type SessionHost, Socket } from './socket.js';
import { DeadlineQueue } from './timer-wheel.js';
import type { HttpTransport, HttpTransportContext } from './transports/http-transport.js';
import { PollingTransport } from './transports/polling.js';
import { SseTransport } from './transports/sse.js';
import { DETACHED, type Transport } from './transports/transport.js';
import { WebSocketTransport } from './transports/websocket.js';

const debug = createLogger('parley:engine');

/**
 * What `connection_error` listeners receive: engine.io's object, with the same values for each
 * refusal (`message` is the error number's standard message, whatever the client is told;
 * `context` holds the details, e.g. `{ message }` from `allowRequest`).
 */
export interface ConnectionErrorEvent {
  req: IncomingMessage;
  /** The Engine.IO error number (0-5). */
  code: RequestErrorNumber;
  message: string;
  context: Record<string, unknown>;
  /** The typed error behind the refusal (not enumerable, so the object looks like engine.io's). */
  readonly error: RequestError;
}

type Query = Record<string, string>;
// biome-ignore lint/suspicious/noExplicitAny: the catch-all signature of EventEmitter listeners
type Listener = (...args: any[]) => void;

/**
 * An Engine.IO v4 server.
 *
 * @example
 * const engine = new Server({ pingInterval: 10_000 });
 * engine.attach(httpServer);
 * engine.on('connection', (socket) => socket.send('welcome'));
 */
export class Server extends EventEmitter implements EngineServerLike {
  readonly opts: ResolvedOptions;
  /**
   * The open sessions by id, as engine.io exposes them: an ordinary object (`clients[id]`,
   * `Object.keys(clients)`, `clients.hasOwnProperty(id)` all work as there). Kept for
   * applications only: the engine looks sessions up in `#sessions`, where no id can collide with
   * an inherited member.
   */
  readonly clients: Record<string, Socket> = {};
  readonly #sessions = new Map<string, Socket>();
  /** The HTTP server `listen()` created (closed by {@link close}); undefined when attached. */
  httpServer: HttpServer | undefined;
  readonly #pings: DeadlineQueue<Socket>;
  readonly #pongs: DeadlineQueue<Socket>;
  readonly #clientPings: DeadlineQueue<Socket>;
  readonly #host: SessionHost;
  readonly #httpContext: HttpTransportContext;
  readonly #middlewares: Middleware[] = [];
  /** One copy of the header values sessions repeat (see shared-strings.ts). */
  readonly #sharedStrings = new SharedStrings();
  readonly #wss: WebSocketServer | undefined;
  /** Polling/SSE handshake requests and the session id they create (for cookies and `initial_headers`). */
  readonly #handshakeIds = new WeakMap<IncomingMessage, string>();
  /**
   * The id of the WebSocket handshake whose 101 response `ws` is writing: its `headers` event
   * fires synchronously inside `handleUpgrade`, so a field is enough (no per-request map entry).
   */
  #upgradingId: string | undefined;
  /**
   * Headers the HTTP middlewares (`use()`, the `cors` option) set on an upgrade's stand-in
   * response: as in engine.io, they go in the 101 response, and `headers` listeners see them.
   */
  readonly #upgradeHeaders = new WeakMap<IncomingMessage, OutgoingHttpHeaders>();
  #detach: (() => void) | undefined;
  /** Once closed, the engine keeps its path and answers every request there with an error. */
  #state: 'open' | 'closed' = 'open';
  /** Where requests for sessions held by other nodes go (none: they are refused). */
  #router: SessionRouter | undefined;
  /** HTTP/2 connections that carried engine requests, closed with the engine. */
  readonly #http2Sessions = new Http2Sessions();

  constructor(options: ServerOptions = {}) {
    super();
    this.opts = resolveOptions(options);
    this.#router = this.opts.sessionRouter;
    const { pingInterval, pingTimeout } = this.opts;
    this.#pings = new DeadlineQueue(pingInterval);
    this.#pongs = new DeadlineQueue(pingTimeout);
    this.#clientPings = new DeadlineQueue(pingInterval + pingTimeout);
    this.#host = {
      options: this.opts,
      pings: this.#pings,
      pongs: this.#pongs,
      clientPings: this.#clientPings,
      onSessionClosed: (socket) => {
        if (this.#sessions.get(socket.id) !== socket) return;
        this.#sessions.delete(socket.id);
        delete this.clients[socket.id];
      },
      onSessionDrain: (socket) => {
        if (this.listenerCount('drain') > 0) this.emit('drain', socket);
      },
      observesFlush: () => this.listenerCount('flush') > 0,
      onSessionFlush: (socket, packets) => {
        if (this.listenerCount('flush') > 0) this.emit('flush', socket, packets);
      },
    };
    this.#httpContext = {
      maxHttpBufferSize: this.opts.maxHttpBufferSize,
      httpCompression: this.opts.httpCompression,
      decorateHeaders: (headers, req, initial) => {
        if (this.#decoratesHeaders(initial)) this.#decorateHeaders(headers, req, initial);
      },
      isClosing: () => this.#state === 'closed',
    };
    if (this.opts.cors) this.#middlewares.push(createCorsMiddleware(this.opts.cors));
    if (this.opts.transports.includes('websocket')) {
      this.#wss = new WebSocketServer({
        noServer: true,
        clientTracking: false,
        perMessageDeflate: this.opts.perMessageDeflate,
        maxPayload: this.opts.maxHttpBufferSize,
      });
      this.#wss.on('headers', (lines: string[], req: IncomingMessage) => {
        const initial = this.#upgradingId !== undefined;
        const preset = this.#upgradeHeaders.get(req);
        const decorates = this.#decoratesHeaders(initial);
        if (preset === undefined && !decorates) return;
        const headers: OutgoingHttpHeaders = preset ?? {};
        // No session cookie here: engine.io sets it on polling handshakes only.
        if (decorates) this.#decorateHeaders(headers, req, initial, false);
        for (const [name, value] of Object.entries(headers)) {
          if (value === undefined) continue;
          for (const item of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${item}`);
        }
      });
    }
  }

  get clientsCount(): number {
    return this.#sessions.size;
  }

  override on(event: 'connection', listener: (socket: Socket) => void): this;
  override on(event: 'connection_error', listener: (error: ConnectionErrorEvent) => void): this;
  /** Before each flush of a session's queue, with its packets, as engine.io's server-level `flush`. */
  override on(event: 'flush', listener: (socket: Socket, packets: readonly PublicPacket[]) => void): this;
  /** After each flush of a session's queue, as engine.io's server-level `drain`. */
  override on(event: 'drain', listener: (socket: Socket) => void): this;
  override on(
    event: 'initial_headers' | 'headers',
    listener: (headers: OutgoingHttpHeaders, req: IncomingMessage) => void,
  ): this;
  override on(event: string | symbol, listener: Listener): this;
  override on(event: string | symbol, listener: Listener): this {
    return super.on(event, listener);
  }

  override once(event: 'connection', listener: (socket: Socket) => void): this;
  override once(event: 'connection_error', listener: (error: ConnectionErrorEvent) => void): this;
  override once(event: string | symbol, listener: Listener): this;
  override once(event: string | symbol, listener: Listener): this {
    return super.once(event, listener);
  }

  /** Adds a connect-style middleware, run before every engine request (CORS runs first). */
  use(middleware: Middleware): this {
    this.#middlewares.push(middleware);
    return this;
  }

  /**
   * Routes the requests for sessions this engine does not hold (see {@link SessionRouter});
   * `undefined` refuses them again.
   */
  setSessionRouter(router: SessionRouter | undefined): this {
    this.#router = router;
    return this;
  }

  /**
   * The id of a new session: 20 url-safe characters from 15 random bytes (or the session
   * router's id, which names this node), unless overridden.
   */
  generateId(req: IncomingMessage): string | PromiseLike<string> {
    return this.opts.generateId ? this.opts.generateId(req) : this.#defaultId();
  }

  #defaultId(): string {
    return this.#router === undefined ? generateId() : this.#router.generateId();
  }

  /** Whether a request names a session held elsewhere that the router may reach. */
  #routed(sid: string | undefined): sid is string {
    return sid !== undefined && this.#router !== undefined && !this.#sessions.has(sid);
  }

  /** Handles an HTTP request for the engine path (polling, SSE, handshakes, CORS preflight). */
  handleRequest(req: IncomingMessage, res: ServerResponse): void {
    const query = queryOf(req);
    if (req.httpVersionMajor >= 2) this.#http2Sessions.track(req);
    if (this.#state === 'closed') {
      // The connection goes too, so that a closing HTTP server is not held open by keep-alive.
      closeConnectionAfter(req, res);
      this.#refuseHttp(req, res, refusalAfterClose(query));
      return;
    }
    const sid = sessionIdOf(query);
    if (this.#routed(sid)) {
      (this.#router as SessionRouter).routeRequest(req, res, sid, () => this.#serveHttp(req, res, query));
      return;
    }
    this.#serveHttp(req, res, query);
  }

  #serveHttp(req: IncomingMessage, res: ServerResponse, query: Query): void {
    // The common case (no middlewares) goes straight on, without a continuation closure.
    if (this.#middlewares.length === 0) {
      this.#requestVerified(req, res, query);
      return;
    }
    runMiddlewares(this.#middlewares, req, res, (err) => {
      if (err !== undefined)
        return this.#refuseHttp(
          req,
          res,
          new RequestError(RequestErrorCode.BAD_REQUEST, { name: 'MIDDLEWARE_FAILURE' }, undefined, { cause: err }),
        );
      this.#requestVerified(req, res, query);
    });
  }

  #requestVerified(req: IncomingMessage, res: ServerResponse, query: Query): void {
    const error = verifyRequest(req, query, false, this.opts, this.#sessions);
    if (error) {
      this.#refuseHttp(req, res, error);
      return;
    }
    const sid = sessionIdOf(query);
    const session = sid === undefined ? undefined : this.#sessions.get(sid);
    if (session !== undefined) {
      (session.transport as HttpTransport).onRequest(req, res);
      return;
    }
    allowHandshake(req, query, this.opts, (refusal) => {
      if (refusal) return this.#refuseHttp(req, res, refusal);
      this.#handshakeHttp(query, req, res);
    });
  }

  /** Handles an HTTP upgrade for the engine path (WebSocket handshakes and upgrades). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Node removed its own error listener from an upgraded socket: a reset must not crash us.
    socket.on('error', swallowSocketError);
    const query = queryOf(req);
    if (this.#state === 'closed') {
      this.#refuseUpgrade(req, socket, refusalAfterClose(query));
      return;
    }
    const sid = sessionIdOf(query);
    if (this.#routed(sid)) {
      const serve = () => this.#serveUpgrade(req, socket, head, query);
      (this.#router as SessionRouter).routeUpgrade(req, socket, head, sid, serve);
      return;
    }
    this.#serveUpgrade(req, socket, head, query);
  }

  #serveUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, query: Query): void {
    // The common case (no middlewares) goes straight on, without a continuation closure.
    if (this.#middlewares.length === 0) {
      this.#upgradeVerified(req, socket, head, query);
      return;
    }
    this.#runUpgradeMiddlewares(req, socket, (err) => {
      if (err !== undefined) {
        const refusal = new RequestError(RequestErrorCode.BAD_REQUEST, { name: 'MIDDLEWARE_FAILURE' }, undefined, {
          cause: err,
        });
        return this.#refuseUpgrade(req, socket, refusal);
      }
      this.#upgradeVerified(req, socket, head, query);
    });
  }

  #upgradeVerified(req: IncomingMessage, socket: Duplex, head: Buffer, query: Query): void {
    const error = verifyRequest(req, query, true, this.opts, this.#sessions);
    if (error || this.#wss === undefined) {
      this.#refuseUpgrade(req, socket, error ?? new RequestError(RequestErrorCode.UNKNOWN_TRANSPORT));
      return;
    }
    const sid = sessionIdOf(query);
    if (sid !== undefined) {
      this.#wss.handleUpgrade(req, socket, head, (ws) => {
        socket.off('error', swallowSocketError);
        const probe = this.#webSocketTransport(protocolOf(query), ws, socket);
        const session = this.#sessions.get(sid);
        if (session === undefined) probe.shutdown();
        else session.startUpgrade(probe);
      });
      return;
    }
    if (
      query.EIO === '4' &&
      this.opts.allowRequest === undefined &&
      this.opts.generateId === undefined &&
      this.generateId === Server.prototype.generateId
    ) {
      // Synchronous fast path: no application hook to wait for (`generateId` may also be
      // replaced on the instance, as engine.io applications do).
      this.#acceptWebSocket(req, socket, head, this.#defaultId(), 4);
      return;
    }
    allowHandshake(req, query, this.opts, (refusal) => {
      if (refusal) return this.#refuseUpgrade(req, socket, refusal);
      this.#createId(req, (idError, id) => {
        if (idError) return this.#refuseUpgrade(req, socket, idError);
        if (socket.destroyed) return;
        this.#acceptWebSocket(req, socket, head, id, protocolOf(query));
      });
    });
  }

  /**
   * Completes a WebSocket handshake. The socket is corked around it so that the 101 response,
   * the open packet (flushed at once rather than at the end of the turn) and whatever the
   * `connection` listeners sent leave in one write.
   */
  #acceptWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer, id: string, protocol: EngineProtocol): void {
    const wss = this.#wss as WebSocketServer;
    socket.cork();
    this.#upgradingId = id;
    try {
      wss.handleUpgrade(req, socket, head, (ws) => {
        this.#upgradingId = undefined;
        socket.off('error', swallowSocketError);
        const transport = this.#webSocketTransport(protocol, ws, socket);
        this.#startSession(id, transport, req, []).flushNow();
      });
    } finally {
      this.#upgradingId = undefined;
      socket.uncork();
    }
  }

  /** Routes `httpServer`'s requests and upgrades under the engine path here; other routes are untouched. */
  attach(httpServer: HttpServer | HttpsServer, options: AttachOptions = {}): this {
    this.#detach?.();
    this.#detach = interceptRequests(
      httpServer,
      {
        request: (req, res) => this.handleRequest(req, res),
        upgrade: (req, socket, head) => this.handleUpgrade(req, socket, head),
      },
      {
        path: options.path ?? this.opts.path,
        upgrades: this.opts.transports.includes('websocket'),
        addTrailingSlash: options.addTrailingSlash,
        destroyUpgrade: options.destroyUpgrade,
        destroyUpgradeTimeout: options.destroyUpgradeTimeout,
      },
    );
    return this;
  }

  /**
   * Closes every session at once (a pending poll gets the close packet, an SSE stream ends, a
   * WebSocket gets a close frame) and stops heartbeats. The engine stays on its path: a request
   * arriving later is answered with a 400 error rather than left for an application handler
   * that may not exist, and every answer from now on closes its connection, so that the HTTP
   * server's own `close()` is not held up by keep-alive connections.
   */
  close(): this {
    if (this.#state === 'closed') return this;
    this.#state = 'closed';
    this.#router?.close?.();
    for (const session of [...this.#sessions.values()]) session.close(true);
    this.#pings.clear();
    this.#pongs.clear();
    this.#clientPings.clear();
    this.#wss?.close();
    this.#http2Sessions.closeAll();
    this.httpServer?.close();
    return this;
  }

  #webSocketTransport(protocol: EngineProtocol, ws: WebSocket, socket: Duplex): WebSocketTransport {
    const maxPayload = this.opts.maxHttpBufferSize;
    return protocol === 3
      ? new WebSocketTransportV3(DETACHED, ws, socket, maxPayload)
      : new WebSocketTransport(DETACHED, ws, socket, maxPayload);
  }

  #createId(req: IncomingMessage, callback: (error: RequestError | null, id: string) => void): void {
    const fail = (error: unknown) =>
      callback(
        new RequestError(RequestErrorCode.BAD_REQUEST, { name: 'ID_GENERATION_ERROR', error }, undefined, {
          cause: error,
        }),
        '',
      );
    const accept = (id: unknown) => {
      if (typeof id !== 'string' || id === '' || this.#sessions.has(id))
        fail(new EngineError('INVALID_SESSION_ID', `unusable session id "${id}"`));
      else callback(null, id);
    };
    let id: string | PromiseLike<string>;
    try {
      id = this.generateId(req);
    } catch (error) {
      fail(error);
      return;
    }
    if (typeof id === 'string') accept(id);
    else Promise.resolve(id).then(accept, fail);
  }

  #handshakeHttp(query: Query, req: IncomingMessage, res: ServerResponse): void {
    this.#createId(req, (error, id) => {
      if (error) return this.#refuseHttp(req, res, error);
      if (res.writableEnded || req.socket.destroyed) return;
      this.#handshakeIds.set(req, id);
      const transport =
        query.transport === 'sse'
          ? new SseTransport(DETACHED, this.#httpContext)
          : protocolOf(query) === 3
            ? // A v3 client that asks for base64 (`b64=1`) gets it for the whole session.
              new PollingTransportV3(DETACHED, this.#httpContext, !query.b64)
            : new PollingTransport(DETACHED, this.#httpContext);
      const upgrades = this.opts.allowUpgrades && this.opts.transports.includes('websocket') ? ['websocket'] : [];
      this.#startSession(id, transport, req, upgrades, () => transport.onHandshake(req, res));
    });
  }

  #startSession(
    id: string,
    transport: Transport,
    req: IncomingMessage,
    upgrades: readonly string[],
    beforeConnection?: () => void,
  ): Socket {
    const request = sessionRequest(
      req,
      this.#middlewares.length > 0,
      transport.name === 'websocket',
      this.#sharedStrings,
    );
    const session = new Socket(id, this.#host, transport, request);
    this.#sessions.set(id, session);
    this.clients[id] = session;
    session.open(upgrades);
    beforeConnection?.();
    debug('session %s opened over %s', id, transport.name);
    this.emit('connection', session);
    return session;
  }

  /** Whether a response needs {@link #decorateHeaders} at all (usually not: no cookie, no listener). */
  #decoratesHeaders(initial: boolean): boolean {
    return (
      this.#state === 'closed' ||
      this.listenerCount('headers') > 0 ||
      (initial && (Boolean(this.opts.cookie) || this.listenerCount('initial_headers') > 0))
    );
  }

  #decorateHeaders(headers: OutgoingHttpHeaders, req: IncomingMessage, initial: boolean, cookie = true): void {
    if (initial) {
      const id = cookie && this.opts.cookie ? this.#handshakeIds.get(req) : undefined;
      if (this.opts.cookie && id !== undefined) headers['Set-Cookie'] = [serializeSessionCookie(id, this.opts.cookie)];
      this.emit('initial_headers', headers, req);
    }
    this.emit('headers', headers, req);
    if (this.#state !== 'closed') return;
    // HTTP/2 has no `Connection` header (Node drops it with a warning): its session is closed instead.
    if (isHttp2(req)) closeHttp2Session(req);
    else headers.Connection = 'close';
  }

  #runUpgradeMiddlewares(req: IncomingMessage, socket: Duplex, done: (err?: unknown) => void): void {
    if (this.#middlewares.length === 0) {
      done();
      return;
    }
    // Middlewares expect a response object; an upgrade has none, so they get one that is never sent.
    // A middleware that ends it refuses the upgrade: as engine.io does, the connection is dropped
    // without an answer (a WebSocket client reports an error either way) once `finish` is emitted.
    const res = new ServerResponse(req);
    res.end = ((..._args: unknown[]) => {
      res.emit('finish');
      socket.destroy();
      return res;
    }) as ServerResponse['end'];
    runMiddlewares(this.#middlewares, req, res, (err) => {
      if (err === undefined) {
        // The names as the middlewares spelled them (Node has this method; its types lack it).
        const names = (res as ServerResponse & { getRawHeaderNames(): string[] }).getRawHeaderNames();
        if (names.length > 0) {
          const headers: OutgoingHttpHeaders = {};
          for (const name of names) headers[name] = res.getHeader(name);
          this.#upgradeHeaders.set(req, headers);
        }
      }
      done(err);
    });
  }

  #reportRefusal(req: IncomingMessage, error: RequestError): void {
    debug('refused %s %s: %s (%o)', req.method, req.url, error.message, error.context);
    if (this.listenerCount('connection_error') === 0) return;
    const event = {
      req,
      code: error.errorNumber,
      message: REQUEST_ERROR_MESSAGES[error.errorNumber],
      context: error.context,
    } as ConnectionErrorEvent;
    Object.defineProperty(event, 'error', { value: error });
    this.emit('connection_error', event);
  }

  #refuseHttp(req: IncomingMessage, res: ServerResponse, error: RequestError): void {
    this.#reportRefusal(req, error);
    respondError(res, error.status, error.errorNumber, error.message);
  }

  #refuseUpgrade(req: IncomingMessage, socket: Duplex, error: RequestError): void {
    this.#reportRefusal(req, error);
    refuseUpgrade(socket, error.message);
  }
}

/** The refusal of a request that reaches a closed engine: its session, if it names one, is gone. */
function refusalAfterClose(query: Query): RequestError {
  const sid = sessionIdOf(query);
  return sid === undefined
    ? new RequestError(RequestErrorCode.BAD_REQUEST, { name: 'SERVER_CLOSED' })
    : new RequestError(RequestErrorCode.UNKNOWN_SID, { sid });
}

function swallowSocketError(error: Error): void {
  debug('socket error during upgrade: %s', error.message);
}
