/**
 * What differs between Node and browsers, in one module. The browser bundle swaps this file for
 * platform.browser.ts (see scripts/bundle.mjs), which keeps `ws` out of it.
 */
import { WebSocket as NodeWebSocket } from 'ws';
import { CookieJar } from './engine/cookie-jar.js';
import type { NodeTlsOptions, TransportOptions } from './engine/transport.js';
import type { Timers } from './timers.js';

/** True in Node; false in browsers and workers. */
export const isNode =
  typeof process === 'object' && typeof process.versions?.node === 'string' && typeof document === 'undefined';

const TLS_OPTIONS = ['agent', 'pfx', 'key', 'passphrase', 'cert', 'ca', 'ciphers', 'rejectUnauthorized'] as const;

/** The defaults `engine.opts` lists (as engine.io-client does), which change nothing. */
const TLS_DEFAULTS: NodeTlsOptions = { agent: false, rejectUnauthorized: true };

/**
 * The Node TLS options (and agent) that were given, for `https.request` and `ws`. Defaults are
 * left out: without any, requests go through `fetch`.
 */
function tlsOptions(opts: NodeTlsOptions): NodeTlsOptions | undefined {
  const given = TLS_OPTIONS.filter((name) => opts[name] !== undefined && opts[name] !== TLS_DEFAULTS[name]);
  return given.length ? Object.fromEntries(given.map((name) => [name, opts[name]])) : undefined;
}

/**
 * Opens a WebSocket: `ws` in Node, with extraHeaders, the session's cookies (`withCredentials`)
 * and the TLS options; the global one elsewhere.
 */
export function createWebSocket(url: string, opts: TransportOptions): WebSocket {
  if (!isNode) return new WebSocket(url, opts.protocols);
  const headers = opts.cookies ? opts.cookies.apply({ ...opts.extraHeaders }) : opts.extraHeaders;
  return new NodeWebSocket(url, opts.protocols, { headers, ...tlsOptions(opts) } as object) as unknown as WebSocket;
}

/**
 * Binary data as the official client hands it to listeners: a Buffer in Node,
 * an ArrayBuffer in browsers.
 */
export function userBinary(data: Uint8Array | ArrayBuffer): Uint8Array | ArrayBuffer {
  if (isNode || data instanceof ArrayBuffer) return data;
  return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
}

/** `withCredentials` in Node: a session's cookie jar (here, so that the browser bundle has none). */
export function createCookieJar(): CookieJar {
  return new CookieJar();
}

/** `autoUnref`: an open WebSocket does not keep the process alive (`ws` keeps its TCP socket there). */
export function unrefWebSocket(ws: WebSocket): void {
  (ws as unknown as { _socket?: { unref?: () => void } })._socket?.unref?.();
}

/**
 * Node's fetch for the HTTP transports: with a cookie jar (`withCredentials`) the session's
 * cookies are sent and kept; with `autoUnref` or TLS options, Node's http client does the request.
 */
export async function nodeFetch(url: string, init: RequestInit, opts: TransportOptions): Promise<Response> {
  opts.cookies?.apply(init.headers as Record<string, string>);
  const tls = tlsOptions(opts);
  const response = await (opts.autoUnref || tls ? httpFetch(url, init, opts.autoUnref, tls) : fetch(url, init));
  opts.cookies?.store(response.headers.getSetCookie());
  return response;
}

/**
 * A fetch over Node's http client, for what `fetch` cannot do: `autoUnref` (a socket that does
 * not keep the process alive, or a pending long-poll would hold it open) and the TLS options
 * and agent. Loaded on first use.
 */
async function httpFetch(url: string, init: RequestInit, unref?: boolean, tls?: NodeTlsOptions): Promise<Response> {
  const [{ request }, { Readable }] = await Promise.all([
    import(url.startsWith('https:') ? 'node:https' : 'node:http'),
    import('node:stream'),
  ]);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        ...(tls as object),
        method: init.method,
        headers: init.headers as Record<string, string>,
        signal: init.signal ?? undefined,
      },
      (res: import('node:http').IncomingMessage) => {
        const status = res.statusCode ?? 500;
        const empty = status === 204 || status === 304;
        if (empty) res.resume();
        const body = empty ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>);
        // from the raw pairs: several Set-Cookie headers stay apart for getSetCookie()
        const headers = new Headers();
        for (let i = 0; i < res.rawHeaders.length; i += 2) headers.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
        resolve(new Response(body, { status, headers }));
      },
    );
    if (unref) req.on('socket', (socket: import('node:net').Socket) => socket.unref());
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
