/**
 * `attach()` and `listen()`: the engine on an existing HTTP server, or on a new one.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { AttachOptions } from './options.js';
import { Server } from './server.js';

/**
 * Creates an engine and routes `httpServer`'s requests under `options.path` to it; the app's
 * own routes and request listeners keep working.
 *
 * @example
 * const httpServer = createServer(app);
 * const engine = attach(httpServer, { path: '/engine.io' });
 */
export function attach(httpServer: HttpServer | HttpsServer, options: AttachOptions = {}): Server {
  return new Server(options).attach(httpServer, options);
}

/**
 * Creates an HTTP server answering 501 outside the engine path, listens on `port` and attaches an
 * engine to it; `engine.close()` also closes that HTTP server.
 *
 * @example const engine = listen(3000, {}, () => console.log('listening'));
 */
export function listen(port: number, options: AttachOptions = {}, callback?: () => void): Server {
  const httpServer = createServer((_req, res) => {
    res.writeHead(501, { 'Content-Type': 'text/plain' });
    res.end('Not Implemented');
  });
  const engine = attach(httpServer, options);
  engine.httpServer = httpServer;
  httpServer.listen(port, callback);
  return engine;
}
