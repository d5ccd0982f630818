/**
 * The floor's WebSocket transport. `ws` performs the upgrade and parses the clients' (masked)
 * frames; everything the server sends goes straight to the TCP socket as prebuilt frames, one
 * corked write per connection per event-loop turn.
 */
import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { textFrame } from './frame.js';
import { type FloorHub, type FloorSession, newSid, openPacket } from './hub.js';

class WebSocketSession implements FloorSession {
  readonly sid = newSid();
  #socket: Duplex;
  #hub: FloorHub;
  #queued: Buffer[] | null = null;

  constructor(socket: Duplex, hub: FloorHub) {
    this.#socket = socket;
    this.#hub = hub;
  }

  sendPacket(packet: string): void {
    this.#enqueue(textFrame(packet));
  }

  sendBroadcast(_packet: string, frame: Buffer): void {
    this.#enqueue(frame);
  }

  #enqueue(frame: Buffer): void {
    if (this.#queued) {
      this.#queued.push(frame);
    } else {
      this.#queued = [frame];
      this.#hub.markDirty(this);
    }
  }

  flush(): void {
    const queued = this.#queued;
    this.#queued = null;
    if (!queued || this.#socket.destroyed) return;
    if (queued.length === 1) {
      this.#socket.write(queued[0]);
      return;
    }
    this.#socket.cork();
    for (const frame of queued) this.#socket.write(frame);
    this.#socket.uncork();
  }
}

export function attachFloorWebSocket(httpServer: HttpServer, hub: FloorHub): void {
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    clientTracking: false,
    skipUTF8Validation: true,
  });
  httpServer.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    if (!request.url?.startsWith('/socket.io/')) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws: WebSocket) => {
      const session = new WebSocketSession(socket, hub);
      hub.add(session);
      session.sendPacket(openPacket(session.sid));
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        if (!isBinary) hub.onPacket(session, data.toString());
      });
      ws.on('error', () => ws.terminate());
      ws.on('close', () => hub.remove(session));
    });
  });
}
