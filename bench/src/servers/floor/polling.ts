/**
 * The floor's HTTP long-polling transport: handshake GET, held GETs released with every
 * queued packet joined by the record separator, POSTs answered `ok`.
 */
import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import { type FloorHub, type FloorSession, MAX_PAYLOAD, newSid, openPacket } from './hub.js';

const RECORD_SEPARATOR = '\x1e';
const TEXT_HEADERS = { 'Content-Type': 'text/plain; charset=UTF-8' };

class PollingSession implements FloorSession {
  readonly sid = newSid();
  #hub: FloorHub;
  #queued: string[] = [];
  #dirty = false;
  #heldGet: ServerResponse | null = null;

  constructor(hub: FloorHub) {
    this.#hub = hub;
  }

  sendPacket(packet: string): void {
    this.#queued.push(packet);
    if (this.#heldGet && !this.#dirty) {
      this.#dirty = true;
      this.#hub.markDirty(this);
    }
  }

  sendBroadcast(packet: string): void {
    this.sendPacket(packet);
  }

  /** A GET arrives: answer at once when packets wait, else hold it. False for a second GET. */
  poll(response: ServerResponse): boolean {
    if (this.#heldGet) return false;
    this.#heldGet = response;
    response.on('close', () => {
      if (this.#heldGet === response) this.#heldGet = null;
    });
    if (this.#queued.length > 0) this.flush();
    return true;
  }

  flush(): void {
    this.#dirty = false;
    const response = this.#heldGet;
    if (!response || this.#queued.length === 0) return;
    this.#heldGet = null;
    const body = this.#queued.join(RECORD_SEPARATOR);
    this.#queued = [];
    response.writeHead(200, { ...TEXT_HEADERS, 'Content-Length': Buffer.byteLength(body) });
    response.end(body);
  }
}

function refuse(response: ServerResponse, code: number, message: string): void {
  const body = JSON.stringify({ code, message });
  response.writeHead(400, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  response.end(body);
}

export function attachFloorPolling(httpServer: HttpServer, hub: FloorHub): void {
  const sessions = new Map<string, PollingSession>();

  const onPost = (session: PollingSession, request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_PAYLOAD) {
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      for (const packet of Buffer.concat(chunks).toString().split(RECORD_SEPARATOR)) {
        if (packet === '1') {
          sessions.delete(session.sid);
          hub.remove(session);
        } else {
          hub.onPacket(session, packet);
        }
      }
      response.writeHead(200, { ...TEXT_HEADERS, 'Content-Length': 2 });
      response.end('ok');
    });
  };

  httpServer.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const url = request.url ?? '';
    if (!url.startsWith('/socket.io/')) {
      response.writeHead(404).end();
      return;
    }
    const query = new URLSearchParams(url.slice(url.indexOf('?') + 1));
    if (query.get('EIO') !== '4' || query.get('transport') !== 'polling') {
      refuse(response, 0, 'Transport unknown');
      return;
    }
    const sid = query.get('sid');
    if (sid === null) {
      if (request.method !== 'GET') {
        refuse(response, 2, 'Bad handshake method');
        return;
      }
      const session = new PollingSession(hub);
      sessions.set(session.sid, session);
      hub.add(session);
      const body = openPacket(session.sid);
      response.writeHead(200, { ...TEXT_HEADERS, 'Content-Length': Buffer.byteLength(body) });
      response.end(body);
      return;
    }
    const session = sessions.get(sid);
    if (!session) {
      refuse(response, 1, 'Session ID unknown');
    } else if (request.method === 'GET') {
      if (!session.poll(response)) refuse(response, 3, 'Bad request');
    } else if (request.method === 'POST') {
      onPost(session, request, response);
    } else {
      refuse(response, 3, 'Bad request');
    }
  });
}
