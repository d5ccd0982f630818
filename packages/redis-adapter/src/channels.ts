/**
 * Channel and key names. Every name starts with the `key` option, so several applications (or
 * test runs) can share one Redis.
 */
import type { Room } from '@parley/server';

export interface Names {
  /** Broadcasts to the whole namespace (and, in static mode, to rooms). */
  broadcast: string;
  /** Requests and heartbeats, to every node. */
  requests: string;
  /** Answers to this node's requests. */
  responses: string;
  /** The stream of broadcasts kept for connection state recovery. */
  stream: string;
  room(room: Room): string;
  responsesOf(node: string): string;
  session(pid: string): string;
  /** The sessions of a node's connected sockets (a hash by private id), kept in case it dies. */
  liveSessions(node: string): string;
  /** The nodes that keep live sessions, scored by their last refresh (a sorted set). */
  sessionNodes: string;
}

/**
 * Channels keep socket.io's names. Keys are hash-tagged with the namespace (`{<nsp>}`), so that
 * in a Redis Cluster the recovery keys of one namespace (stream, session records, live-session
 * hashes and their index) share one slot, and any multi-key command or transaction over them
 * stays valid there.
 */
export function namesFor(key: string, nsp: string, node: string): Names {
  const responsesOf = (id: string) => `${key}-response#${nsp}#${id}#`;
  const tagged = `{${nsp}}`;
  return {
    broadcast: `${key}#${nsp}#`,
    requests: `${key}-request#${nsp}#`,
    responses: responsesOf(node),
    stream: `${key}-stream#${tagged}#`,
    room: (room) => `${key}#${nsp}#${room}#`,
    responsesOf,
    session: (pid) => `${key}-session#${tagged}#${pid}`,
    liveSessions: (id) => `${key}-live#${tagged}#${id}`,
    sessionNodes: `${key}-live-nodes#${tagged}#`,
  };
}

// Socket ids (20 URL-safe characters) are rooms too, one per socket; giving each its own
// channel would mean a SUBSCRIBE per connection, so they always travel on the namespace channel.
const SOCKET_ID = /^[A-Za-z0-9_-]{20}$/;

/** Whether a room gets its own channel in the dynamic and sharded modes (the same rule on every node). */
export function hasOwnChannel(room: Room): boolean {
  return typeof room === 'number' || !SOCKET_ID.test(room);
}
