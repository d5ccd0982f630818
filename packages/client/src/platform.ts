/**
 * What differs between Node and browsers, in one module. The browser bundle swaps this file for
 * platform.browser.ts (see scripts/bundle.mjs), which keeps `ws` out of it.
 */
import { WebSocket as NodeWebSocket } from 'ws';

/** True in Node; false in browsers and workers. */
export const isNode =
  typeof process === 'object' && typeof process.versions?.node === 'string' && typeof document === 'undefined';

/** Opens a WebSocket: `ws` in Node (which supports extra headers), the global one elsewhere. */
export function createWebSocket(
  url: string,
  protocols?: string | string[],
  headers?: Record<string, string>,
): WebSocket {
  if (!isNode) return new WebSocket(url, protocols);
  return new NodeWebSocket(url, protocols, { headers }) as unknown as WebSocket;
}

/**
 * Binary data as the official client hands it to listeners: a Buffer in Node,
 * an ArrayBuffer in browsers.
 */
export function userBinary(data: Uint8Array | ArrayBuffer): Uint8Array | ArrayBuffer {
  if (isNode || data instanceof ArrayBuffer) return data;
  return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
}
