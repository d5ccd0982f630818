/**
 * What differs between Node and browsers, in one module. The browser bundle swaps this file for
 * platform.browser.ts (see scripts/bundle.mjs), which keeps `ws` out of it.
 */
import { WebSocket as NodeWebSocket } from 'ws';
import type { Timers } from './timers.js';

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

/** `autoUnref`: an open WebSocket does not keep the process alive (`ws` keeps its TCP socket there). */
export function unrefWebSocket(ws: WebSocket): void {
  (ws as unknown as { _socket?: { unref?: () => void } })._socket?.unref?.();
}

/**
 * `autoUnref`: a fetch whose connection does not keep the process alive. `fetch` offers no way to
 * unref its socket (a pending long-poll would hold the process open), so Node's http client is
 * used for these requests only; it is loaded on first use.
 */
export async function unrefFetch(url: string, init: RequestInit): Promise<Response> {
  const [{ request }, { Readable }] = await Promise.all([
    import(url.startsWith('https:') ? 'node:https' : 'node:http'),
    import('node:stream'),
  ]);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: init.method, headers: init.headers as Record<string, string>, signal: init.signal ?? undefined },
      (res: import('node:http').IncomingMessage) => {
        const status = res.statusCode ?? 500;
        const empty = status === 204 || status === 304;
        if (empty) res.resume();
        const body = empty ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>);
        resolve(new Response(body, { status, headers: res.headers as Record<string, string> }));
      },
    );
    req.on('socket', (socket: import('node:net').Socket) => socket.unref());
    req.on('error', reject);
    req.end(init.body as string | undefined);
  });
}

/** `autoUnref`: timers that don't keep the process alive. */
export function unrefTimers(timers: Timers): Timers {
  return {
    ...timers,
    setTimeout(callback, ms) {
      const handle = timers.setTimeout(callback, ms);
      (handle as { unref?: () => void } | undefined)?.unref?.();
      return handle;
    },
  };
}
