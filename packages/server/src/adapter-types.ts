/**
 * The adapter contract: how a namespace finds the sockets a broadcast reaches, here or on other
 * servers. The in-memory adapter implements it for one process; a cluster adapter (Redis)
 * implements the same methods across processes.
 */
import type { EventEmitter } from 'node:events';
import type { SocketPacket } from '@parley/protocol';

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
