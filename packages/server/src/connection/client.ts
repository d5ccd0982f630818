/**
 * One engine connection as the socket layer sees it: decodes its messages, routes packets to its
 * namespace sockets, writes packets out, and closes it when nothing joins within connectTimeout.
 */
import { Decoder, encodePacket, PacketType, type SocketPacket } from '@parley/protocol';
import type { EngineCloseReason, EngineSocketLike, SendOptions, SessionReceiver } from '../engine/contract.js';
import { reportUserError } from '../errors.js';
import type { DefaultEventsMap, EventsMap } from '../events/typed-events.js';
import { MalformedPacketError } from '../packets/malformed-packet.js';
import type { PacketDecoder } from '../packets/packet-codec.js';
import type { PreparedPacket } from '../packets/prepared-packet.js';
import type { Server } from '../server.js';
import { type ServerInternals, serverInternalsOf } from '../server-internals.js';
import type { AnySocket, Socket } from '../socket/socket.js';
import { type DisconnectReason, disconnectReasonOf } from '../socket/socket-reasons.js';
import { clientSeam } from './client-seam.js';
import { drainInbox } from './inbox.js';
import { fromLegacyPacket, isLegacyConnection } from './legacy-clients.js';

// Shared, never per message. (Some engines write defaults into the options object they get.)
const COMPRESS: SendOptions = { compress: true };
const NO_COMPRESS: SendOptions = { compress: false };

type ClientState = 'open' | 'closed';

// The engine follows a transport error with 'close'; listening keeps it from being thrown.
// One shared function rather than a closure per connection.
function ignoreTransportError(): void {}

/** The client of an engine connection, for the shared listeners below (no closures per client). */
const CLIENT = Symbol('parley.client');
/** A client whatever its event maps and socket data. */
// biome-ignore lint/suspicious/noExplicitAny: the one spelling of "any client"
export type AnyClient = Client<any, any, any, any>;
type TaggedConnection = EngineSocketLike & { [CLIENT]: AnyClient };

// An engine without setReceiver (engine.io, through `io.bind()`) reaches its client through the
// same SessionReceiver methods as Parley's engine.
function onConnectionMessage(this: EngineSocketLike, data: string | Uint8Array): void {
  (this as TaggedConnection)[CLIENT].onSessionMessage(data);
}

function onConnectionClose(this: EngineSocketLike, reason: string, description?: Error): void {
  // Its reason may lie outside EngineCloseReason (a foreign engine): disconnectReasonOf passes it on.
  (this as TaggedConnection)[CLIENT].onSessionClose(reason as EngineCloseReason, description);
}

export class Client<
  ListenEvents extends EventsMap = DefaultEventsMap,
  EmitEvents extends EventsMap = DefaultEventsMap,
  ServerSideEvents extends EventsMap = DefaultEventsMap,
  // biome-ignore lint/suspicious/noExplicitAny: socket.io's default for untyped data
  SocketData = any,
> implements SessionReceiver
{
  readonly conn: EngineSocketLike;
  readonly server: Server<ListenEvents, EmitEvents, ServerSideEvents, SocketData>;
  /** The server's internals, kept at hand: the counters are bumped for every message. */
  readonly #internals: ServerInternals;
  /** Created for the first binary packet; text-only clients use the server's shared decoder. */
  #decoder: Decoder | undefined;
  /**
   * Connected sockets by namespace name (a client has at most one per namespace). Nearly every
   * client joins one namespace: the first socket is a field, the map exists only for others.
   */
  #first: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData> | undefined;
  #others: Map<string, Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>> | undefined;
  /** Namespaces whose CONNECT is being processed (middlewares running); created on first use. */
  #joining: Set<string> | undefined;
  #state: ClientState = 'open';
  #connectTimer: NodeJS.Timeout | undefined;
  /** The custom parser's decoder (`parser` option); the built-in codec needs none of its own. */
  readonly #customDecoder: PacketDecoder | undefined;
  /** Packets for this client's sockets not yet handled: flat `socket, packet` pairs (see inbox.ts). */
  #inbox: unknown[] | undefined;

  // Timer callbacks every client shares (no closures per client), static so that they reach the
  // client's private members.
  static #onConnectTimeout(client: AnyClient): void {
    client.#connectTimedOut();
  }

  static #onInboxDue(client: AnyClient): void {
    client.#drainInbox();
  }

  static #onJoinSettled(client: AnyClient, name: string): void {
    client.#joinSettled(name);
  }

  // The client's side of its seam with sockets and namespaces (see client-seam.ts).
  static {
    clientSeam.writePacket = (client, packet, volatile, compress) => client.#writePacket(packet, volatile, compress);
    clientSeam.writePrepared = (client, parts, volatile, compress) => client.#writePrepared(parts, volatile, compress);
    clientSeam.onSocketConnected = (client, socket) => client.#onSocketConnected(socket);
  }

  constructor(server: Server<ListenEvents, EmitEvents, ServerSideEvents, SocketData>, conn: EngineSocketLike) {
    this.server = server;
    this.#internals = serverInternalsOf(server);
    this.conn = conn;
    if (conn.setReceiver !== undefined) {
      // Parley's engine: called directly, no listeners on the session.
      conn.setReceiver(this);
    } else {
      (conn as TaggedConnection)[CLIENT] = this;
      conn.on('message', onConnectionMessage);
      conn.on('error', ignoreTransportError);
      conn.on('close', onConnectionClose);
    }
    this.#connectTimer = setTimeout(Client.#onConnectTimeout, server._connectTimeout, this);
    this.#internals.metrics.connectionsTotal++;
    this.#internals.metrics.connectionsOpen++;
    if (server._parser !== undefined) {
      this.#customDecoder = new server._parser.Decoder();
      this.#customDecoder.on('decoded', (packet) => this.#route(packet));
    }
    // A socket.io-client 2.x never asks for the main namespace: it is joined at once.
    if (isLegacyConnection(conn)) this.#connect('/', {});
  }

  /** {@link SessionReceiver}: a message from the engine session. */
  onSessionMessage(data: string | Uint8Array): void {
    this.#onmessage(data);
  }

  /** {@link SessionReceiver}: the engine session closed. */
  onSessionClose(reason: EngineCloseReason, description?: Error): void {
    this.#onclose(disconnectReasonOf(reason), description);
  }

  /** Nothing joined within connectTimeout. */
  #connectTimedOut(): void {
    this.#connectTimer = undefined;
    if (this.#first === undefined) this.#close();
  }

  /** The engine session id (never shared with other clients). */
  get id(): string {
    return this.conn.id;
  }

  /** The handshake request of the connection (as `client.request` in socket.io). */
  get request(): EngineSocketLike['request'] {
    return this.conn.request;
  }

  /** Encodes and writes one packet for this connection only. */
  #writePacket(packet: SocketPacket, volatile: boolean, compress: boolean): void {
    if (!this.#writable(volatile)) return;
    const options = compress ? COMPRESS : NO_COMPRESS;
    if (this.server._parser !== undefined) {
      for (const part of this.server.encoder.encode(packet)) this.#send(part, options);
      return;
    }
    const { text, attachments } = encodePacket(packet);
    this.#send(text, options);
    for (const attachment of attachments) this.#send(attachment, options);
  }

  #send(message: string | Uint8Array, options: SendOptions): void {
    this.#internals.metrics.countOut(message);
    this.conn.send(message, options);
  }

  /** Writes a packet prepared once for a whole broadcast. */
  #writePrepared(parts: PreparedPacket, volatile: boolean, compress: boolean): void {
    if (!this.#writable(volatile)) return;
    const options = compress ? COMPRESS : NO_COMPRESS;
    const metrics = this.#internals.metrics;
    for (let i = 0; i < parts.length; i++) {
      metrics.countOut(parts[i].data);
      this.conn.sendPrepared(parts[i], options);
    }
  }

  /**
   * socket.io compatibility surface (see `SocketIoAdapterClient`): writes messages that
   * `socket.io-adapter` encoded once for a broadcast.
   */
  writeToEngine(
    encodedPackets: string | Uint8Array | readonly (string | Uint8Array)[],
    opts: { volatile?: boolean; compress?: boolean },
  ): void {
    if (!this.#writable(opts.volatile === true)) return;
    const options = opts.compress === false ? NO_COMPRESS : COMPRESS;
    if (typeof encodedPackets === 'string' || encodedPackets instanceof Uint8Array) {
      this.#send(encodedPackets, options);
      return;
    }
    for (const message of encodedPackets) this.#send(message, options);
  }

  /** socket.io compatibility surface: a socket left its namespace. */
  _remove(socket: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>): void {
    const name = socket.nsp.name;
    if (this.#first === socket) {
      // Another namespace's socket (if any) takes the field.
      this.#first = undefined;
      const others = this.#others;
      if (others !== undefined && others.size > 0) {
        const [nextName, next] = others.entries().next().value as [string, typeof socket];
        others.delete(nextName);
        this.#first = next;
      }
    } else if (this.#others?.get(name) === socket) {
      this.#others.delete(name);
    }
  }

  /** socket.io compatibility surface: disconnects every socket of this client, then closes the connection. */
  _disconnect(): void {
    for (const socket of this.#takeSockets()) socket.disconnect();
    this.#close();
  }

  #socketOf(name: string): Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData> | undefined {
    const first = this.#first;
    if (first !== undefined && first.nsp.name === name) return first;
    return this.#others?.get(name);
  }

  /** Forgets every socket of this client and returns them. */
  #takeSockets(): Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>[] {
    const sockets = this.#connectedSockets();
    this.#first = undefined;
    this.#others = undefined;
    return sockets;
  }

  #writable(volatile: boolean): boolean {
    const conn = this.conn;
    if (conn.readyState !== 'open') return false;
    if (!volatile) return true;
    // A volatile packet is dropped unless it can leave at once: not behind queued packets (a
    // write in flight, as engine.io sees it), not waiting for a long-poll GET. Engines without
    // the query (engine.io through `io.bind()`) answer through their transport's flag.
    const idle = conn.writableNow;
    return idle !== undefined ? idle : (conn.transport as { writable?: boolean }).writable !== false;
  }

  /** A message from the engine connection. */
  #onmessage(data: string | Uint8Array): void {
    if (this.#state === 'closed') return;
    this.#internals.metrics.countIn(data);
    if (this.#customDecoder !== undefined) {
      this.#addToCustomDecoder(this.#customDecoder, data);
      return;
    }
    let packet: SocketPacket | undefined;
    try {
      packet = this.#decoderFor(data).add(data);
      if (packet !== undefined && isLegacyConnection(this.conn)) packet = fromLegacyPacket(packet);
    } catch (error) {
      this.#onMalformedPacket(error, data);
      return;
    }
    if (packet !== undefined) this.#route(packet);
  }

  // The decoder emits `decoded` (routed at once) from inside `add`.
  #addToCustomDecoder(decoder: PacketDecoder, data: string | Uint8Array): void {
    try {
      decoder.add(data);
    } catch (error) {
      this.#onMalformedPacket(error, data);
    }
  }

  /**
   * Bad input ends this connection only. As in socket.io, each of its sockets gets the error
   * (socket.io's message, e.g. "Illegal attachments") before the connection closes.
   */
  #onMalformedPacket(cause: unknown, data: string | Uint8Array): void {
    const error = new MalformedPacketError(cause, data);
    for (const socket of this.#connectedSockets()) socket._onerror(error, 'malformed packet');
    this.conn.close();
  }

  #connectedSockets(): Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>[] {
    const sockets = this.#first === undefined ? [] : [this.#first];
    if (this.#others !== undefined) sockets.push(...this.#others.values());
    return sockets;
  }

  /** The batch of packets that arrived together is due (see inbox.ts). */
  #drainInbox(): void {
    const inbox = this.#inbox;
    this.#inbox = undefined;
    if (inbox !== undefined) drainInbox(inbox);
  }

  /**
   * A text packet that is not BINARY_EVENT (`5`) or BINARY_ACK (`6`) decodes without state, in
   * the shared decoder. Anything else (a binary packet, its attachments, or every message once
   * this client has had one) goes to the client's own decoder.
   */
  #decoderFor(data: string | Uint8Array): Decoder {
    if (this.#decoder !== undefined) return this.#decoder;
    if (typeof data === 'string') {
      const type = data.charCodeAt(0);
      if (type !== 0x35 && type !== 0x36) return this.#internals.textDecoder;
    }
    this.#decoder = new Decoder({ maxAttachments: this.#internals.maxAttachments });
    return this.#decoder;
  }

  #route(packet: SocketPacket): void {
    const socket = this.#socketOf(packet.nsp);
    if (socket === undefined && packet.type === PacketType.CONNECT) {
      this.#connect(packet.nsp, packet.data as Record<string, unknown> | undefined);
    } else if (socket !== undefined && packet.type !== PacketType.CONNECT && packet.type !== PacketType.CONNECT_ERROR) {
      if (this.#inbox === undefined) {
        this.#inbox = [socket, packet];
        process.nextTick(Client.#onInboxDue, this);
      } else {
        this.#inbox.push(socket, packet);
      }
    } else if (packet.type === PacketType.CONNECT && this.#joining?.has(packet.nsp)) {
      // A repeat of a CONNECT that is still being handled (see #join): ignored.
    } else if (packet.type !== PacketType.DISCONNECT) {
      // An event for a namespace this client never joined, or a later CONNECT: a broken client.
      this.#close();
    }
  }

  /** `auth` is undefined when the CONNECT carried none (no empty object kept per socket). */
  #connect(name: string, auth: Record<string, unknown> | undefined): void {
    // A repeated CONNECT while the first is still in its middlewares would make a second socket
    // for the namespace, one this client could never close: ignore it.
    if (this.#joining?.has(name)) return;
    if (this.server._nsps.has(name)) {
      this.#join(name, auth);
      return;
    }
    // The namespace check and the socket see the same auth object.
    const checkedAuth = auth ?? {};
    this.server._checkNamespace(name, checkedAuth, (found) => {
      if (this.#state === 'closed') return;
      if (found) this.#join(name, checkedAuth);
      else
        this.#writePacket(
          { type: PacketType.CONNECT_ERROR, nsp: name, data: { message: 'Invalid namespace' } },
          false,
          true,
        );
    });
  }

  #join(name: string, auth: Record<string, unknown> | undefined): void {
    const nsp = this.server.of(name);
    let pending: Promise<void> | undefined;
    try {
      pending = nsp._add(this, auth);
    } catch (error) {
      reportUserError(nsp, error, `connection to namespace ${nsp.name}`, this.#peerFallback());
      return;
    }
    // A CONNECT counts as being handled until its middlewares are done, and at least until the
    // end of the read that brought it: socket.io-client repeats a CONNECT at once when
    // `socket.connect()` is called on a socket of an open Manager (`manager.socket('/b').connect()`),
    // and socket.io keeps the connection then. The repeat is ignored: one socket, one answer.
    this.#joining ??= new Set();
    this.#joining.add(name);
    if (pending === undefined) {
      process.nextTick(Client.#onJoinSettled, this, name);
      return;
    }
    pending
      .catch((error: unknown) =>
        reportUserError(nsp, error, `connection to namespace ${nsp.name}`, this.#peerFallback()),
      )
      .finally(() => this.#joinSettled(name));
  }

  #joinSettled(name: string): void {
    const joining = this.#joining;
    if (joining === undefined) return;
    joining.delete(name);
    // Dropped once empty: a connected client keeps no set.
    if (joining.size === 0) this.#joining = undefined;
  }

  /** Unlistened errors this connection causes go to the server's rate-limited peer log. */
  #peerFallback(): (where: string, error: unknown) => void {
    return this.#internals.peerLog.fallbackFor(this.conn.remoteAddress);
  }

  /** The namespace accepted `socket` for this client. */
  #onSocketConnected(socket: AnySocket): void {
    if (this.#first === undefined) {
      this.#first = socket;
    } else {
      this.#others ??= new Map();
      this.#others.set(socket.nsp.name, socket);
    }
    if (this.#connectTimer !== undefined) {
      clearTimeout(this.#connectTimer);
      this.#connectTimer = undefined;
    }
  }

  // The engine is told first, as socket.io does: a WebSocket session with nothing queued closes
  // at once, and its sockets hear the engine's 'forced close'; one that still has packets to
  // flush (DISCONNECTs, or a pending poll) closes later, so they hear 'forced server close' now.
  #close(): void {
    if (this.conn.readyState === 'open') this.conn.close();
    this.#onclose('forced server close');
  }

  /** The engine connection closed (or this client closes it). */
  #onclose(reason: DisconnectReason, description?: unknown): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#internals.metrics.connectionsOpen--;
    if (this.#connectTimer !== undefined) {
      clearTimeout(this.#connectTimer);
      this.#connectTimer = undefined;
    }
    for (const socket of this.#takeSockets()) socket._onclose(reason, description);
    this.#decoder?.reset();
    this.#customDecoder?.destroy();
  }
}
