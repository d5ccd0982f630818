/**
 * One engine connection as the socket layer sees it: decodes its messages, routes packets to its
 * namespace sockets, writes packets out, and closes it when nothing joins within connectTimeout.
 */
import { Decoder, encodePacket, PacketType, type SocketPacket } from '@parley/protocol';
import type { EngineSocketLike, SendOptions } from './engine/contract.js';
import { reportUserError } from './errors.js';
import type { PreparedPacket } from './prepared-packet.js';
import type { Server } from './server.js';
import type { Socket } from './socket.js';
import type { DisconnectReason } from './socket-reasons.js';
import type { DefaultEventsMap, EventsMap } from './typed-events.js';

// Shared, never per message. (Some engines write defaults into the options object they get.)
const COMPRESS: SendOptions = { compress: true };
const NO_COMPRESS: SendOptions = { compress: false };

type ClientState = 'open' | 'closed';

// The engine follows a transport error with 'close'; listening keeps it from being thrown.
// One shared function rather than a closure per connection.
function ignoreTransportError(): void {}

export class Client<
  ListenEvents extends EventsMap = DefaultEventsMap,
  EmitEvents extends EventsMap = DefaultEventsMap,
  ServerSideEvents extends EventsMap = DefaultEventsMap,
  // biome-ignore lint/suspicious/noExplicitAny: socket.io's default for untyped data
  SocketData = any,
> {
  readonly conn: EngineSocketLike;
  readonly server: Server<ListenEvents, EmitEvents, ServerSideEvents, SocketData>;
  readonly #decoder: Decoder;
  /** Connected sockets by namespace name (a client has at most one per namespace). */
  readonly #sockets = new Map<string, Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>>();
  /** Namespaces whose CONNECT is being processed (middlewares running); created on first use. */
  #joining: Set<string> | undefined;
  #state: ClientState = 'open';
  #connectTimer: NodeJS.Timeout | undefined;

  constructor(server: Server<ListenEvents, EmitEvents, ServerSideEvents, SocketData>, conn: EngineSocketLike) {
    this.server = server;
    this.conn = conn;
    this.#decoder = new Decoder({ maxAttachments: server._maxAttachments });
    conn.on('message', (data: string | Uint8Array) => this.#onmessage(data));
    conn.on('error', ignoreTransportError);
    conn.on('close', (reason: DisconnectReason, description?: unknown) => this.#onclose(reason, description));
    this.#connectTimer = setTimeout(() => {
      this.#connectTimer = undefined;
      if (this.#sockets.size === 0) this.#close();
    }, server._connectTimeout);
  }

  /** The engine session id (never shared with other clients). */
  get id(): string {
    return this.conn.id;
  }

  /** @internal Encodes and writes one packet for this connection only. */
  _writePacket(packet: SocketPacket, volatile: boolean, compress: boolean): void {
    if (!this.#writable(volatile)) return;
    const { text, attachments } = encodePacket(packet);
    const options = compress ? COMPRESS : NO_COMPRESS;
    this.conn.send(text, options);
    for (const attachment of attachments) this.conn.send(attachment, options);
  }

  /** @internal Writes a packet prepared once for a whole broadcast. */
  _writePrepared(parts: PreparedPacket, volatile: boolean, compress: boolean): void {
    if (!this.#writable(volatile)) return;
    const options = compress ? COMPRESS : NO_COMPRESS;
    for (let i = 0; i < parts.length; i++) this.conn.sendPrepared(parts[i], options);
  }

  /** @internal A socket left its namespace. */
  _remove(socket: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>): void {
    if (this.#sockets.get(socket.nsp.name) === socket) this.#sockets.delete(socket.nsp.name);
  }

  /** @internal Disconnects every socket of this client, then closes the connection. */
  _disconnect(): void {
    for (const socket of [...this.#sockets.values()]) socket.disconnect();
    this.#sockets.clear();
    this.#close();
  }

  #writable(volatile: boolean): boolean {
    if (this.conn.readyState !== 'open') return false;
    // A volatile packet is dropped while the transport is busy (a long-poll with no GET pending).
    return !volatile || (this.conn.transport as { writable?: boolean }).writable !== false;
  }

  #onmessage(data: string | Uint8Array): void {
    if (this.#state === 'closed') return;
    let packet: SocketPacket | undefined;
    try {
      packet = this.#decoder.add(data);
    } catch (error) {
      // Bad input ends this connection only.
      this.#onclose('parse error', error);
      this.conn.close();
      return;
    }
    if (packet !== undefined) this.#route(packet);
  }

  #route(packet: SocketPacket): void {
    const socket = this.#sockets.get(packet.nsp);
    if (socket === undefined && packet.type === PacketType.CONNECT) {
      this.#connect(packet.nsp, (packet.data as Record<string, unknown> | undefined) ?? {});
    } else if (socket !== undefined && packet.type !== PacketType.CONNECT && packet.type !== PacketType.CONNECT_ERROR) {
      socket._onpacket(packet);
    } else if (packet.type !== PacketType.DISCONNECT) {
      // An event for a namespace this client never joined, or a second CONNECT: a broken client.
      this.#close();
    }
  }

  #connect(name: string, auth: Record<string, unknown>): void {
    // A repeated CONNECT while the first is still in its middlewares would make a second socket
    // for the namespace, one this client could never close: ignore it.
    if (this.#joining?.has(name)) return;
    if (this.server._nsps.has(name)) {
      this.#join(name, auth);
      return;
    }
    this.server._checkNamespace(name, auth, (found) => {
      if (this.#state === 'closed') return;
      if (found) this.#join(name, auth);
      else
        this._writePacket(
          { type: PacketType.CONNECT_ERROR, nsp: name, data: { message: 'Invalid namespace' } },
          false,
          true,
        );
    });
  }

  #join(name: string, auth: Record<string, unknown>): void {
    const nsp = this.server.of(name);
    this.#joining ??= new Set();
    this.#joining.add(name);
    nsp
      ._add(this, auth, (socket) => {
        this.#sockets.set(nsp.name, socket);
        if (this.#connectTimer !== undefined) {
          clearTimeout(this.#connectTimer);
          this.#connectTimer = undefined;
        }
      })
      .catch((error: unknown) => reportUserError(nsp, error, `connection to namespace ${nsp.name}`))
      .finally(() => this.#joining?.delete(name));
  }

  // Sockets learn the reason first; the engine then flushes what is queued (DISCONNECT packets)
  // and closes.
  #close(): void {
    this.#onclose('forced server close');
    if (this.conn.readyState === 'open') this.conn.close();
  }

  #onclose(reason: DisconnectReason, description?: unknown): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    if (this.#connectTimer !== undefined) {
      clearTimeout(this.#connectTimer);
      this.#connectTimer = undefined;
    }
    for (const socket of [...this.#sockets.values()]) socket._onclose(reason, description);
    this.#sockets.clear();
    this.#decoder.reset();
  }
}
