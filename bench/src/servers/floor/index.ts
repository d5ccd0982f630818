import type { Server as HttpServer } from 'node:http';
import { FloorHub } from './hub.js';
import { attachFloorPolling } from './polling.js';
import { attachFloorWebSocket } from './websocket.js';

/**
 * The raw floor: the chat app over hand-rolled framing on `ws` and `node:http`, the lowest
 * cost a Socket.IO-compatible server could plausibly reach. No namespaces, binary, heartbeats
 * or upgrades; it exists to be measured against.
 */
export function attachFloorServer(httpServer: HttpServer): void {
  const hub = new FloorHub();
  attachFloorWebSocket(httpServer, hub);
  attachFloorPolling(httpServer, hub);
}
