/** The browser side of platform.ts: the global WebSocket, ArrayBuffers for binary. */
import type { Timers } from './timers.js';

export const isNode = false;

export function createWebSocket(url: string, opts: { protocols?: string | string[] }): WebSocket {
  return new WebSocket(url, opts.protocols);
}

export function userBinary(data: Uint8Array | ArrayBuffer): Uint8Array | ArrayBuffer {
  if (data instanceof ArrayBuffer) return data;
  return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
}

// Browsers keep cookies themselves: never called (the Engine asks only in Node).
export function createCookieJar(): undefined {
  return undefined;
}

// Browsers have no process to keep alive: `autoUnref` changes nothing.

export function unrefWebSocket(_ws: WebSocket): void {}

// Only called in Node (behind `isNode`), where it adds cookies, TLS options and autoUnref.
export function nodeFetch(url: string, init: RequestInit): Promise<Response> {
  return fetch(url, init);
}

export function unrefTimers(timers: Timers): Timers {
  return timers;
}
