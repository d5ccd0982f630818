/**
 * The floor server's core: just enough Engine.IO v4 / Socket.IO v5 to run the chat app
 * (open packet, CONNECT to `/`, EVENT with optional ack id, ACK replies, broadcast), with the
 * two costs that matter done once: a broadcast is encoded once, and each connection gets at
 * most one write per event-loop turn.
 */
import { randomBytes } from 'node:crypto';
import { textFrame } from './frame.js';

/** A connection on either transport, as the hub sees it. */
export interface FloorSession {
  readonly sid: string;
  /** Queues one Engine.IO packet (text, type digit included). */
  sendPacket(packet: string): void;
  /** Queues a prebuilt WebSocket frame of a broadcast packet (polling sessions use the text). */
  sendBroadcast(packet: string, frame: Buffer): void;
  /** Writes everything queued this turn. */
  flush(): void;
}

export const PING_INTERVAL_MS = 25_000;
export const PING_TIMEOUT_MS = 20_000;
export const MAX_PAYLOAD = 1_000_000;

export function newSid(): string {
  return randomBytes(15).toString('base64url');
}

export function openPacket(sid: string): string {
  return `0${JSON.stringify({ sid, upgrades: [], pingInterval: PING_INTERVAL_MS, pingTimeout: PING_TIMEOUT_MS, maxPayload: MAX_PAYLOAD })}`;
}

const CHAR_0 = 0x30;
const CHAR_2 = 0x32;
const CHAR_4 = 0x34;
const CHAR_9 = 0x39;
const CHAR_BRACKET = 0x5b;

export class FloorHub {
  #sessions = new Set<FloorSession>();
  #dirty: FloorSession[] = [];
  #flushScheduled = false;
  #flushAll = () => {
    this.#flushScheduled = false;
    const dirty = this.#dirty;
    this.#dirty = [];
    for (const session of dirty) session.flush();
  };

  add(session: FloorSession): void {
    this.#sessions.add(session);
  }

  remove(session: FloorSession): void {
    this.#sessions.delete(session);
  }

  /** A session queued its first packet this turn: flush it once the turn's I/O is handled. */
  markDirty(session: FloorSession): void {
    this.#dirty.push(session);
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(this.#flushAll);
    }
  }

  broadcast(packet: string): void {
    const frame = textFrame(packet);
    for (const session of this.#sessions) session.sendBroadcast(packet, frame);
  }

  /** Handles one Engine.IO packet from a client; anything unexpected is ignored, never thrown. */
  onPacket(session: FloorSession, packet: string): void {
    if (packet.charCodeAt(0) !== CHAR_4) return; // pong, close, upgrade: nothing to do here
    const socketType = packet.charCodeAt(1);
    if (socketType === CHAR_0) {
      session.sendPacket(`40{"sid":"${newSid()}"}`);
    } else if (socketType === CHAR_2) {
      this.#onEvent(session, packet);
    }
  }

  #onEvent(session: FloorSession, packet: string): void {
    let index = 2;
    while (index < packet.length && packet.charCodeAt(index) >= CHAR_0 && packet.charCodeAt(index) <= CHAR_9) index++;
    if (packet.charCodeAt(index) !== CHAR_BRACKET) return; // namespaces are not part of the floor
    const ackId = index > 2 ? packet.slice(2, index) : undefined;
    let data: unknown;
    try {
      data = JSON.parse(packet.slice(index));
    } catch {
      return;
    }
    if (!Array.isArray(data)) return;
    const [event, arg] = data;
    if (event === 'chat message') {
      this.broadcast(`42${JSON.stringify(['chat message', arg])}`);
    } else if (event === 'echo' && ackId !== undefined) {
      session.sendPacket(`43${ackId}${JSON.stringify([arg])}`);
    }
  }
}
