/**
 * Routes an http(s).Server's requests and upgrades under one path to the engine, leaving every
 * other request to the application's own listeners, which stay registered and untouched.
 *
 * Why patch `emit` rather than add a 'request' listener: an EventEmitter calls every listener,
 * so an app listener (an Express app, say) would also answer engine requests, typically with a
 * 404. Intercepting the 'request' and 'upgrade' events at `emit` lets the engine take its own
 * requests first and pass the rest through, including to listeners added later.
 */
import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { pathOf } from '../request.js';

export interface InterceptHandlers {
  request(req: IncomingMessage, res: ServerResponse): void;
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

export interface InterceptOptions {
  /** Normalized path (`/engine.io`): `/engine.io` and `/engine.io/` match, with any query. */
  path: string;
  /** Destroy upgrade requests for other paths that nobody answered (default true). */
  destroyUpgrade?: boolean;
  destroyUpgradeTimeout?: number;
}

type Emit = (event: string | symbol, ...args: unknown[]) => boolean;

/** Starts intercepting; returns the function that stops it. */
export function interceptRequests(
  httpServer: HttpServer | HttpsServer,
  handlers: InterceptHandlers,
  options: InterceptOptions,
): () => void {
  const { path } = options;
  const withSlash = `${path === '/' ? '' : path}/`;
  const matches = (req: IncomingMessage): boolean => {
    const pathname = pathOf(req.url);
    return pathname === path || pathname === withSlash;
  };
  let active = true;
  const originalEmit = httpServer.emit as Emit;
  const patchedEmit: Emit = function (this: HttpServer, event, ...args) {
    if (active && (event === 'request' || event === 'upgrade')) {
      const req = args[0] as IncomingMessage;
      if (matches(req)) {
        if (event === 'request') handlers.request(req, args[1] as ServerResponse);
        else handlers.upgrade(req, args[1] as Duplex, args[2] as Buffer);
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
    httpServer.off('upgrade', onForeignUpgrade);
  };
}

function ignore(): void {}
