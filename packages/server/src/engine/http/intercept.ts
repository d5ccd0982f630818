/**
 * Routes an http(s).Server's requests and upgrades under one path to the engine, leaving every
 * other request to the application's own listeners.
 *
 * Requests: as engine.io does, the 'request' listeners present when the engine attaches are
 * taken off and called by the engine's one listener for the URLs it does not claim. Apps observe
 * this (`http.listeners('request')` is the engine's dispatcher, and an app may wrap it in turn to
 * serve something under the engine path first), so it must be the same. A listener added later
 * sees every request, as with engine.io.
 *
 * Upgrades: intercepted at `emit`, so that another 'upgrade' listener (a second WebSocket server
 * on the same HTTP server) never also handles an engine upgrade. An engine without WebSocket
 * takes no upgrades at all, as engine.io attaches no upgrade handling then: Node hands an upgrade
 * request that nobody listens for to the request listeners, and the engine refuses it there
 * like any request for an unknown transport.
 */
import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { normalizePath } from '../options.js';

export interface InterceptHandlers {
  request(req: IncomingMessage, res: ServerResponse): void;
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

export interface InterceptOptions {
  /** Normalized path (`/engine.io`). */
  path: string;
  /**
   * As engine.io's option of that name (default true): the prefix that makes a URL an engine
   * request is `<path>/`, so `/engine.io/anything?...` is one and `/engine.io?...` is not; with
   * `false` the prefix is `<path>` itself.
   */
  addTrailingSlash?: boolean;
  /** Whether the engine takes WebSocket upgrades at all (false when `websocket` is not a transport). */
  upgrades: boolean;
  /** Destroy upgrade requests for other paths that nobody answered (default true). */
  destroyUpgrade?: boolean;
  destroyUpgradeTimeout?: number;
}

type Emit = (event: string | symbol, ...args: unknown[]) => boolean;
type RequestListener = (this: HttpServer, req: IncomingMessage, res: ServerResponse) => void;

/** Starts intercepting; returns the function that stops it. */
export function interceptRequests(
  httpServer: HttpServer | HttpsServer,
  handlers: InterceptHandlers,
  options: InterceptOptions,
): () => void {
  const prefix = enginePrefix(options.path, options.addTrailingSlash !== false);
  // A prefix of the raw URL, as engine.io compares it: every URL under the path is the engine's.
  const matches = (req: IncomingMessage): boolean => req.url?.startsWith(prefix) === true;
  let active = true;
  const appListeners = httpServer.listeners('request') as RequestListener[];
  httpServer.removeAllListeners('request');
  const dispatch: RequestListener = function (this: HttpServer, req, res) {
    if (active && matches(req)) {
      handlers.request(req, res);
      return;
    }
    for (const listener of appListeners) listener.call(this, req, res);
  };
  httpServer.on('request', dispatch);
  const stopRequests = () => {
    // Hand the requests back to the listeners the engine took them from.
    if (httpServer.listeners('request').includes(dispatch)) {
      httpServer.off('request', dispatch);
      for (const listener of appListeners) httpServer.on('request', listener);
    }
  };
  if (!options.upgrades) {
    return () => {
      active = false;
      stopRequests();
    };
  }
  const originalEmit = httpServer.emit as Emit;
  const patchedEmit: Emit = function (this: HttpServer, event, ...args) {
    if (active && event === 'upgrade') {
      const req = args[0] as IncomingMessage;
      if (matches(req)) {
        handlers.upgrade(req, args[1] as Duplex, args[2] as Buffer);
        return true;
      }
    }
    return originalEmit.call(this, event, ...args);
  };
  (httpServer as { emit: Emit }).emit = patchedEmit;

  // Node emits 'upgrade' only when someone listens; this listener sees the other paths only.
  const destroyUpgrade = options.destroyUpgrade !== false;
  const timeout = options.destroyUpgradeTimeout ?? 1000;
  const onForeignUpgrade = (_req: IncomingMessage, socket: Duplex): void => {
    if (!destroyUpgrade) return;
    const timer = setTimeout(() => {
      // Untouched after the delay: no other listener handled it, so nobody will.
      if (socket.writable && (socket as Duplex & { bytesWritten?: number }).bytesWritten === 0) {
        socket.on('error', ignore);
        socket.end();
      }
    }, timeout);
    timer.unref();
  };
  httpServer.on('upgrade', onForeignUpgrade);

  return () => {
    active = false;
    if (httpServer.emit === patchedEmit) (httpServer as { emit: Emit }).emit = originalEmit;
    stopRequests();
    httpServer.off('upgrade', onForeignUpgrade);
  };
}

/** The URL prefix of engine requests for the `path` option (see normalizePath). */
export function enginePrefix(path: string, addTrailingSlash: boolean): string {
  const normalized = normalizePath(path);
  return addTrailingSlash ? `${normalized}/` : normalized;
}

function ignore(): void {}
