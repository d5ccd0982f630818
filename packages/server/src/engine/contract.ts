/**
 * The seam between the engine (Engine.IO sessions and transports) and the socket layer
 * (namespaces, rooms, acks). The socket layer depends on these types only, never on a
 * transport, so either side can change behind them.
 */
import type { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';

export type EngineReadyState = 'opening' | 'open' | 'closing' | 'closed';

export interface SendOptions {
  /** Allow per-message deflate / HTTP compression for this message (default true). */
  compress?: boolean;
}

/**
 * Why a session closed, as the `close` event reports it: the strings engine.io uses (a WebSocket
 * message over maxHttpBufferSize is a 'transport error'; a polling POST over it is answered 413 and
 * the session stays open, as in engine.io) and, Parley only, 'send buffer full' (the peer stopped
 * reading; see the `maxBufferedBytes` option). The socket layer maps them to its
 * `DisconnectReason` in one place (socket-reasons.ts).
 */
export type EngineCloseReason =
  | 'transport close'
  | 'transport error'
  | 'ping timeout'
  | 'parse error'
  | 'forced close'
  | 'send buffer full';

/**
 * An Engine.IO message encoded once and sent to any number of sessions: the engine caches
 * whatever each transport needs (a ready WebSocket frame, a polling text record) on first use,
 * so a broadcast to 10,000 sockets costs one encoding. Create with `prepareMessage()` from
 * `@parley/server/engine`.
 */
export interface PreparedMessage {
  /** The message payload (without the Engine.IO `4` type prefix). */
  readonly data: string | Uint8Array;
}

/**
 * A session's one direct consumer (the socket layer's client): called like the `message` and
 * `close` listeners, but without an event emitter entry, a listener closure or an `emit` per
 * message. Listeners still get every event; the receiver is called first.
 */
export interface SessionReceiver {
  onSessionMessage(data: string | Buffer): void;
  onSessionClose(reason: EngineCloseReason, description?: Error): void;
}

/** One client session, whatever transport it is on. Shaped like engine.io's Socket. */
export interface EngineSocketLike extends EventEmitter {
  readonly id: string;
  readonly readyState: EngineReadyState;
  /** The Engine.IO revision: 4, or 3 for a socket.io-client 2.x (see `allowEIO3`). */
  readonly protocol: number;
  readonly transport: { readonly name: string };
  /**
   * The handshake request (headers, url, socket address). Engines whose sessions do not start
   * with an HTTP request (WebTransport) leave it undefined; the socket layer copes with both.
   */
  readonly request: IncomingMessage;
  readonly remoteAddress: string;
  /**
   * Queues one message. Messages queued in the same event-loop turn leave in one write
   * (one polling response, or one corked socket write of several WebSocket frames).
   */
  send(data: string | Uint8Array, options?: SendOptions, callback?: () => void): this;
  /** Alias of {@link send}, as in engine.io. */
  write(data: string | Uint8Array, options?: SendOptions, callback?: () => void): this;
  /** Queues a message encoded once for many sessions; see {@link PreparedMessage}. */
  sendPrepared(message: PreparedMessage, options?: SendOptions): void;
  /**
   * True when a message sent now would be written at once: the session is open, nothing is
   * queued ahead of it and the transport can write. The socket layer drops volatile packets
   * otherwise. Optional: engine.io's sockets lack it (their `transport.writable` is used).
   */
  readonly writableNow?: boolean;
  /** Closes the session (after flushing queued messages unless `discard` is true). */
  close(discard?: boolean): void;
  /**
   * Sets the session's {@link SessionReceiver} (Parley's engine has it; other engines, e.g.
   * engine.io bound with `io.bind()`, do not, and are used through their events).
   */
  setReceiver?(receiver: SessionReceiver): void;
  // Events: 'message' (data: string | Buffer), 'data' (alias), 'close' (reason, description),
  // 'upgrade' (transport), 'upgrading', 'error' (err), 'packet', 'packetCreate', 'flush' (packets),
  // 'drain', 'heartbeat'.
}

/** The engine server as the socket layer uses it. Shaped like engine.io's Server. */
export interface EngineServerLike extends EventEmitter {
  /** Open sessions by id. */
  readonly clients: Readonly<Record<string, EngineSocketLike>>;
  readonly clientsCount: number;
  // Events: 'connection' (socket), 'connection_error' (err), 'initial_headers', 'headers',
  // 'flush' (socket, packets), 'drain' (socket).
}
