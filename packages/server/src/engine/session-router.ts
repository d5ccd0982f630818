/**
 * The seam that lets a cluster serve any request on any node (no sticky sessions behind the
 * load balancer): a request naming a session this engine does not hold goes to the router
 * before the engine answers 400 "Session ID unknown". A router installed by a cluster package
 * (e.g. `routeSessions` of `@parley/redis-adapter`) names its node in the ids it generates and
 * forwards such requests to the node that owns the session.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

export interface SessionRouter {
  /**
   * The id of a new session opened on this node (used unless the application sets its own
   * `generateId`). It must let the routers of the other nodes find this node from the id.
   */
  generateId(): string;
  /**
   * Answers an HTTP request (polling GET or POST, SSE POST, CORS preflight) for session `sid`,
   * which this engine does not hold, e.g. by forwarding it to the owner; or calls `unrouted()`,
   * and the engine answers as it does without a router.
   */
  routeRequest(req: IncomingMessage, res: ServerResponse, sid: string, unrouted: () => void): void;
  /** As {@link routeRequest}, for a WebSocket upgrade on its raw socket. */
  routeUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, sid: string, unrouted: () => void): void;
  /** The engine closed: the router stops announcing this node. */
  close?(): void;
}
