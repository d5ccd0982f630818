/**
 * The server <-> adapter seam, in one place.
 *
 * - What an adapter gives back: {@link AdapterContract} (rooms, broadcasts, cluster requests,
 *   session recovery), implemented by the in-memory adapter, `@parley/redis-adapter` and any
 *   subclass of `socket.io-adapter`'s `Adapter`.
 * - What the server gives a Parley adapter: {@link AdapterHost} (namespace name, sockets,
 *   encoder, recovery options, how to write to a client), obtained with `adapterHostOf(nsp)`.
 * - What the server gives a socket.io adapter: {@link SocketIoAdapterNamespace} and the types it
 *   reaches through it. Those members keep socket.io's names (some `_`-prefixed) because the
 *   official adapters (`socket.io-adapter`, `@socket.io/redis-adapter`, ...-streams-, -postgres-,
 *   -cluster-adapter) call them; nothing in Parley's own packages does.
 */
import type { EventEmitter } from 'node:events';
import type { SocketPacket } from '@parley/protocol';
import type { PacketEncoder } from '../packets/packet-codec.js';
import type { PreparedPacket } from '../packets/prepared-packet.js';

export type SocketId = string;
/** The private id a client presents to recover its session (never sent to other clients). */
export type PrivateSessionId = string;
export type Room = string | number;

export interface BroadcastFlags {
  /** Drop the packet for clients whose transport cannot take it right now. */
  volatile?: boolean;
  /** Allow compression (default true). */
  compress?: boolean;
  /** Only this server's clients (cluster adapters skip the other servers). */
  local?: boolean;
  /** Acknowledgement timeout in milliseconds. */
  timeout?: number;
  /** Resolve an acknowledgement with the single response (RemoteSocket.emit). */
  expectSingleResponse?: boolean;
}

export interface BroadcastOptions {
  /** Target rooms; empty means every socket of the namespace. */
  rooms: Set<Room>;
  /** Rooms (socket ids included) whose sockets are skipped. */
  except?: Set<Room>;
  flags?: BroadcastFlags;
}

/** What connection state recovery stores when a socket drops. */
export interface Session {
  sid: SocketId;
  pid: PrivateSessionId;
  rooms: Room[];
  data: unknown;
}

/** A stored session plus the event packets (`[name, ...args, offset]`) it missed. */
export interface RestoredSession extends Session {
  missedPackets: unknown[][];
}

/**
 * A socket as adapters return it from `fetchSockets`: a local socket, or a plain description of
 * one on another server (wrapped into a RemoteSocket by the broadcast operator).
 */
export interface SocketDetails {
  id: SocketId;
  handshake: unknown;
  rooms: Set<Room>;
  data: unknown;
}

/**
 * Implemented by the in-memory adapter and by cluster adapters. Methods that may need other
 * servers return promises; `broadcastWithAck` reports, per server, how many clients were
 * reached (`clientCountCallback`) and every client's first response (`ack`).
 */
export interface AdapterContract extends EventEmitter {
  readonly rooms: Map<Room, Set<SocketId>>;
  readonly sids: Map<SocketId, Set<Room>>;
  init(): Promise<void> | void;
  close(): Promise<void> | void;
  serverCount(): Promise<number>;
  addAll(id: SocketId, rooms: Iterable<Room>): Promise<void> | void;
  del(id: SocketId, room: Room): Promise<void> | void;
  delAll(id: SocketId): void;
  broadcast(packet: SocketPacket, opts: BroadcastOptions): void;
  broadcastWithAck(
    packet: SocketPacket,
    opts: BroadcastOptions,
    clientCountCallback: (clientCount: number) => void,
    ack: (response: unknown) => void,
  ): void;
  sockets(rooms: Set<Room>): Promise<Set<SocketId>>;
  socketRooms(id: SocketId): Set<Room> | undefined;
  fetchSockets(opts: BroadcastOptions): Promise<SocketDetails[]>;
  addSockets(opts: BroadcastOptions, rooms: Room[]): void;
  delSockets(opts: BroadcastOptions, rooms: Room[]): void;
  disconnectSockets(opts: BroadcastOptions, close: boolean): void;
  /** `packet` is `[event, ...args]`, optionally ending with an ack `(err, responses) => void`. */
  serverSideEmit(packet: unknown[]): void;
  persistSession(session: Session): Promise<void> | void;
  restoreSession(pid: PrivateSessionId, offset: string): Promise<RestoredSession | null> | RestoredSession | null;
}

/** Encodes a packet into Engine.IO messages: a text part, then one message per binary attachment. */
export type { PacketEncoder };

/** The options of connection state recovery, as resolved by the server (defaults applied). */
export interface RecoveryOptions {
  readonly maxDisconnectionDuration: number;
  readonly skipMiddlewares: boolean;
}

/** An answer to a broadcast with acknowledgement, called with the client's ack arguments. */
// biome-ignore lint/suspicious/noExplicitAny: acknowledgements carry any arguments
export type AdapterAck = (...args: any[]) => void;

/**
 * What the server gives a Parley adapter for the namespace it serves. Every Parley adapter
 * (in-memory, session-aware, `@parley/redis-adapter`) reaches the server only through this.
 */
export interface AdapterHost<S extends HostedSocket = HostedSocket> {
  /** The namespace's name (`/`, `/admin`, ...). */
  readonly name: string;
  /** The namespace's connected sockets on this server, by id. */
  readonly sockets: ReadonlyMap<SocketId, S>;
  /** Encodes packets the way this server writes them (for adapters that encode themselves). */
  readonly encoder: PacketEncoder;
  /** Connection state recovery options; undefined when recovery is off. */
  readonly recovery: RecoveryOptions | undefined;
  /** A fresh acknowledgement id, unique in the namespace (shared with the sockets' own acks). */
  nextAckId(): number;
  /** Hands an event another server sent with `serverSideEmit` to this namespace's listeners. */
  receiveServerSideEmit(args: unknown[]): void;
  /**
   * Writes a packet prepared once for a whole broadcast to one socket (outgoing catch-all
   * listeners see `packet.data`). `volatile` drops it if the transport is busy.
   */
  deliver(socket: S, parts: PreparedPacket, packet: SocketPacket, volatile: boolean, compress: boolean): void;
  /** Makes `socket` call `ack` with its answer to the broadcast packet `id`. */
  awaitAck(socket: S, id: number, ack: (response: unknown) => void): void;
  /**
   * What recovery would store for the connected socket `id` if it dropped now (its private id,
   * rooms and data); undefined when it is not here or recovery is off. Lets a cluster adapter
   * keep sessions recoverable even when this server dies without storing them.
   */
  sessionOf(id: SocketId): Session | undefined;
}

/** A socket as a Parley adapter sees it. */
export interface HostedSocket {
  readonly id: SocketId;
  join(rooms: Room | Room[]): Promise<void> | void;
  leave(room: Room): Promise<void> | void;
  disconnect(close?: boolean): unknown;
}

/**
 * socket.io compatibility surface: the namespace as `socket.io-adapter`'s `Adapter` and the
 * official `@socket.io/*` adapters use it. Each member is named as in socket.io.
 */
export interface SocketIoAdapterNamespace {
  readonly name: string;
  readonly sockets: ReadonlyMap<SocketId, SocketIoAdapterSocket>;
  readonly server: SocketIoAdapterServer;
  /** The namespace's ack id counter; `broadcastWithAck` reads and increments it (`_ids++`). */
  _ids: number;
  /** Another server's `serverSideEmit`: `[event, ...args]`, possibly ending with an ack. */
  _onServerSideEmit(args: unknown[]): void;
}

/** socket.io compatibility surface: the server as the official adapters use it. */
export interface SocketIoAdapterServer {
  /** socket.io-parser-compatible encoder (`Adapter` reads it in its constructor). */
  readonly encoder: PacketEncoder;
  /** The server options; the adapters read `connectionStateRecovery.maxDisconnectionDuration`. */
  readonly opts: { connectionStateRecovery?: RecoveryOptions };
}

/** socket.io compatibility surface: a socket as the official adapters use it. */
export interface SocketIoAdapterSocket extends HostedSocket {
  readonly rooms: Set<Room>;
  readonly data: unknown;
  readonly handshake: object;
  readonly client: SocketIoAdapterClient;
  /** Pending acknowledgements by id; `broadcastWithAck` registers its callback here. */
  readonly acks: Map<number, AdapterAck>;
  /** Calls the `onAnyOutgoing` listeners with `packet.data`. */
  notifyOutgoingListeners(packet: SocketPacket): void;
}

/** socket.io compatibility surface: a client connection as the official adapters use it. */
export interface SocketIoAdapterClient {
  /** Writes messages encoded once by the adapter; `volatile` drops them if the transport is busy. */
  writeToEngine(
    encodedPackets: string | Uint8Array | readonly (string | Uint8Array)[],
    opts: { volatile?: boolean; compress?: boolean },
  ): void;
}
