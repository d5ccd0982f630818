/**
 * The one place that chooses the realtime server and its adapter. The chat is written against the
 * standard Socket.IO server API, so this import is the whole switch: Parley's server is a drop-in
 * for `socket.io` (and serves the @parley/client browser bundle at /socket.io/socket.io.js, which
 * the page loads). Swapping in `socket.io` here runs the same app on the reference implementation.
 */
import type { Server as HttpServer } from 'node:http';
import { type AdapterConstructor, Server, type Socket as ServerSocket } from '@parley/server';
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from './chat/events.js';
import { type ClusterLink, type ClusterOptions, connectCluster } from './cluster.js';
import type { Heartbeat } from './config.js';

export type { ClusterLink, ClusterOptions };
export { Server };

/** The realtime server, typed with the chat's event contract (chat/events.ts). */
export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
/** One connection, typed as its server. */
export type Socket = ServerSocket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** How long a dropped client's session (id, rooms, missed messages) is kept for recovery. */
export const RECOVERY_WINDOW_MS = 2 * 60 * 1000;

/** Where the realtime endpoint is served (the default of both servers and the browser client). */
export const REALTIME_PATH = '/socket.io';

export function createRealtimeServer(
  httpServer: HttpServer,
  adapter?: AdapterConstructor,
  allowedOrigins: readonly string[] = [],
  heartbeat?: Heartbeat,
): RealtimeServer {
  return new Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>(httpServer, {
    path: REALTIME_PATH,
    connectionStateRecovery: { maxDisconnectionDuration: RECOVERY_WINDOW_MS, skipMiddlewares: true },
    // Chat messages are at most 2,000 characters; nothing legitimate comes near this.
    maxHttpBufferSize: 100_000,
    // Pages served from the listed origins read polling responses cross-origin; the origin check
    // (origin-check.ts) refuses every other site before this matters.
    ...(allowedOrigins.length > 0 ? { cors: { origin: [...allowedOrigins] } } : {}),
    ...(adapter ? { adapter } : {}),
    ...heartbeat,
  });
}

/**
 * The adapter hook for running several chat nodes. With cluster options (REDIS_URL), connects to
 * Redis and returns the Redis adapter (@parley/redis-adapter): rooms, broadcasts, presence
 * (`fetchSockets`), server-side events and recovery then span every node. Without, returns
 * undefined and the server keeps its in-memory adapter (one node).
 */
export async function createAdapter(cluster: ClusterOptions | undefined): Promise<ClusterLink | undefined> {
  return cluster ? connectCluster(cluster) : undefined;
}
