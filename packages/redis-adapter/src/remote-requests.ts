/**
 * What another node may ask of this one (broadcast, join, leave, disconnect, fetch, count,
 * serverSideEmit), carried out on this node's sockets only, answers sent back to the asker.
 */
import { PacketType, type SocketPacket } from '@parley/protocol';
import type { AdapterContract, BroadcastOptions, Room } from '@parley/server';
import { fromWireOptions, type Message, MessageType, type WireSocket } from './messages.js';
import type { NodeId } from './node-registry.js';

/** The in-memory adapter's operations that other nodes ask for, typed as the adapter declares them. */
type LocalOperations = Pick<
  AdapterContract,
  'broadcastWithAck' | 'fetchSockets' | 'sockets' | 'addSockets' | 'delSockets' | 'disconnectSockets'
>;

/** This node's local operations (the in-memory adapter's), and a way to answer. */
export interface LocalNode extends LocalOperations {
  readonly uid: NodeId;
  readonly nsp: string;
  /** `offset`: the broadcast's stream offset when it was logged for recovery. */
  broadcast(packet: SocketPacket, opts: BroadcastOptions, offset: string | undefined): void;
  /** Runs the namespace's `io.on(event)` listeners. */
  serverSideEmit(args: unknown[]): void;
  reply(to: NodeId, message: Message): void;
}

const REQUESTS: ReadonlySet<number> = new Set([
  MessageType.BROADCAST,
  MessageType.SOCKETS_JOIN,
  MessageType.SOCKETS_LEAVE,
  MessageType.DISCONNECT_SOCKETS,
  MessageType.FETCH_SOCKETS,
  MessageType.SOCKET_IDS,
  MessageType.SERVER_SIDE_EMIT,
]);

export type RemoteRequest = Extract<
  Message,
  {
    t:
      | typeof MessageType.BROADCAST
      | typeof MessageType.SOCKETS_JOIN
      | typeof MessageType.SOCKETS_LEAVE
      | typeof MessageType.DISCONNECT_SOCKETS
      | typeof MessageType.FETCH_SOCKETS
      | typeof MessageType.SOCKET_IDS
      | typeof MessageType.SERVER_SIDE_EMIT;
  }
>;

export function isRemoteRequest(message: Message): message is RemoteRequest {
  return REQUESTS.has(message.t);
}

/** Carries out a request from another node; the promise settles once answered. */
export function carryOut(message: RemoteRequest, local: LocalNode): Promise<void> | undefined {
  switch (message.t) {
    case MessageType.BROADCAST:
      broadcast(message, local);
      return undefined;
    case MessageType.SOCKETS_JOIN:
      local.addSockets(fromWireOptions(message.opts), message.rooms);
      return undefined;
    case MessageType.SOCKETS_LEAVE:
      local.delSockets(fromWireOptions(message.opts), message.rooms);
      return undefined;
    case MessageType.DISCONNECT_SOCKETS:
      local.disconnectSockets(fromWireOptions(message.opts), message.close);
      return undefined;
    case MessageType.FETCH_SOCKETS:
      return fetchSockets(message.n, message.r, fromWireOptions(message.opts), local);
    case MessageType.SOCKET_IDS:
      return socketIds(message.n, message.r, new Set(message.rooms), local);
    case MessageType.SERVER_SIDE_EMIT:
      serverSideEmit(message.n, message.data, message.r, local);
      return undefined;
  }
}

function broadcast(message: Extract<Message, { t: typeof MessageType.BROADCAST }>, local: LocalNode): void {
  const { n: from, data, r } = message;
  const opts = fromWireOptions(message.opts);
  const packet: SocketPacket = { type: PacketType.EVENT, nsp: local.nsp, data };
  if (r === undefined) {
    local.broadcast(packet, opts, message.o);
    return;
  }
  local.broadcastWithAck(
    packet,
    opts,
    (count) => local.reply(from, { t: MessageType.BROADCAST_CLIENT_COUNT, n: local.uid, r, count }),
    (response) => local.reply(from, { t: MessageType.BROADCAST_ACK, n: local.uid, r, response }),
  );
}

async function fetchSockets(from: NodeId, r: string, opts: BroadcastOptions, local: LocalNode): Promise<void> {
  const sockets: WireSocket[] = (await local.fetchSockets(opts)).map((s) => ({
    id: s.id,
    handshake: s.handshake,
    rooms: [...s.rooms],
    data: s.data,
  }));
  local.reply(from, { t: MessageType.FETCH_SOCKETS_RESPONSE, n: local.uid, r, sockets });
}

async function socketIds(from: NodeId, r: string, rooms: Set<Room>, local: LocalNode): Promise<void> {
  const ids = await local.sockets(rooms);
  local.reply(from, { t: MessageType.SOCKET_IDS_RESPONSE, n: local.uid, r, ids: [...ids] });
}

// The listener's acknowledgement answers once, with its first argument (as in socket.io).
function serverSideEmit(from: NodeId, data: unknown[], r: string | undefined, local: LocalNode): void {
  if (r === undefined) {
    local.serverSideEmit(data);
    return;
  }
  let answered = false;
  const reply = (response: unknown) => {
    if (answered) return;
    answered = true;
    local.reply(from, { t: MessageType.SERVER_SIDE_EMIT_RESPONSE, n: local.uid, r, response });
  };
  local.serverSideEmit([...data, reply]);
}
