/**
 * Runs connect-style middlewares `(subject, next) => void` in order. A middleware that throws,
 * or returns a promise that rejects, counts as `next(err)`; `next` acts once per middleware.
 */
export type ChainMiddleware<T, E extends Error> = (subject: T, next: (err?: E) => void) => unknown;

export function runChain<T, E extends Error>(
  middlewares: readonly ChainMiddleware<T, E>[],
  subject: T,
  done: (err?: E) => void,
  index = 0,
): void {
  if (index >= middlewares.length) {
    done();
    return;
  }
  let called = false;
  const next = (err?: E) => {
    if (called) return;
    called = true;
    if (err) done(err);
    else runChain(middlewares, subject, done, index + 1);
  };
  const fail = (error: unknown) => next((error instanceof Error ? error : new Error(String(error))) as E);
  try {
    const result = middlewares[index](subject, next);
    if (result instanceof Promise) result.then(undefined, fail);
  } catch (error) {
    fail(error);
  }
}
