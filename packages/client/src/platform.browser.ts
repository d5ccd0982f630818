/** The browser side of platform.ts: the global WebSocket, ArrayBuffers for binary. */
import type { Timers } from './timers.js';

export const isNode = false;

export function createWebSocket(url: string, protocols?: string | string[]): WebSocket {
  return new WebSocket(url, protocols);
}

export function userBinary(data: Uint8Array | ArrayBuffer): Uint8Array | ArrayBuffer {
  if (data instanceof ArrayBuffer) return data;
  return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
}

// Browsers have no process to keep alive: `autoUnref` changes nothing.

export function unrefWebSocket(_ws: WebSocket): void {}

export function unrefFetch(url: string, init: RequestInit): Promise<Response> {
  return fetch(url, init);
}

export function unrefTimers(timers: Timers): Timers {
  return timers;
}
