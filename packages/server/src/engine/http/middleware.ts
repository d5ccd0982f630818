/**
 * Connect-style middlewares run before the engine handles a request (CORS, sessions, auth, ...).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EngineError } from '../errors.js';

export type Middleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/**
 * Runs `middlewares` in order. `done(err)` is called after the last one calls `next()`, or with the
 * first error; it is not called when a middleware ends the response itself.
 */
export function runMiddlewares(
  middlewares: readonly Middleware[],
  req: IncomingMessage,
  res: ServerResponse,
  done: (err?: unknown) => void,
): void {
  let index = 0;
  let failed = false;
  const next = (err?: unknown): void => {
    if (failed) return;
    if (err !== undefined && err !== null) {
      failed = true;
      done(err);
      return;
    }
    if (res.writableEnded) return;
    const middleware = middlewares[index++];
    if (middleware === undefined) {
      done();
      return;
    }
    try {
      middleware(req, res, next);
    } catch (thrown) {
      next(thrown ?? new EngineError('MIDDLEWARE_FAILED', 'middleware threw'));
    }
  };
  next();
}
