/**
 * CORS with the semantics of the `cors` package, as a connect-style middleware: the origin may be
 * `'*'`/true/false, a string, a RegExp, an array of those, or a function deciding per request;
 * preflight (OPTIONS) requests are answered here unless `preflightContinue` is set.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Middleware } from './middleware.js';

export type StaticOrigin = boolean | string | RegExp | ReadonlyArray<string | RegExp>;
export type OriginCallback = (err: Error | null, origin?: StaticOrigin) => void;

export interface CorsOptions {
  origin?: StaticOrigin | ((requestOrigin: string | undefined, callback: OriginCallback) => void);
  methods?: string | readonly string[];
  /** Default: reflect the preflight's Access-Control-Request-Headers. */
  allowedHeaders?: string | readonly string[];
  exposedHeaders?: string | readonly string[];
  credentials?: boolean;
  /** Seconds. */
  maxAge?: number;
  preflightContinue?: boolean;
  optionsSuccessStatus?: number;
}

const DEFAULT_METHODS = 'GET,HEAD,PUT,PATCH,POST,DELETE';

function list(value: string | readonly string[]): string {
  return typeof value === 'string' ? value : value.join(',');
}

function isOriginAllowed(origin: string, allowed: StaticOrigin): boolean {
  if (Array.isArray(allowed)) return allowed.some((entry) => isOriginAllowed(origin, entry));
  if (typeof allowed === 'string') return origin === allowed;
  if (allowed instanceof RegExp) return allowed.test(origin);
  return Boolean(allowed);
}

function addVary(res: ServerResponse, field: string): void {
  const current = res.getHeader('Vary');
  if (current === undefined || current === '') {
    res.setHeader('Vary', field);
    return;
  }
  const value = String(current);
  if (value === '*' || value.split(/\s*,\s*/).some((entry) => entry.toLowerCase() === field.toLowerCase())) return;
  res.setHeader('Vary', `${value}, ${field}`);
}

function applyOrigin(origin: StaticOrigin, req: IncomingMessage, res: ServerResponse): void {
  const requestOrigin = req.headers.origin;
  if (origin === '*' || origin === true || origin === undefined) {
    if (origin === true && requestOrigin) {
      res.setHeader('Access-Control-Allow-Origin', requestOrigin);
      addVary(res, 'Origin');
    } else {
      res.setHeader('Access-Control-Allow-Origin', '*');
    }
    return;
  }
  if (typeof origin === 'string') {
    res.setHeader('Access-Control-Allow-Origin', origin);
    addVary(res, 'Origin');
    return;
  }
  if (requestOrigin && isOriginAllowed(requestOrigin, origin)) {
    res.setHeader('Access-Control-Allow-Origin', requestOrigin);
  }
  addVary(res, 'Origin');
}

function applyHeaders(options: CorsOptions, origin: StaticOrigin, req: IncomingMessage, res: ServerResponse): boolean {
  applyOrigin(origin, req, res);
  if (options.credentials === true) res.setHeader('Access-Control-Allow-Credentials', 'true');
  if (options.exposedHeaders !== undefined && list(options.exposedHeaders) !== '') {
    res.setHeader('Access-Control-Expose-Headers', list(options.exposedHeaders));
  }
  if (req.method !== 'OPTIONS') return false;
  res.setHeader('Access-Control-Allow-Methods', list(options.methods ?? DEFAULT_METHODS));
  if (options.allowedHeaders !== undefined) {
    if (list(options.allowedHeaders) !== '')
      res.setHeader('Access-Control-Allow-Headers', list(options.allowedHeaders));
  } else {
    const requested = req.headers['access-control-request-headers'];
    if (requested) res.setHeader('Access-Control-Allow-Headers', requested);
    addVary(res, 'Access-Control-Request-Headers');
  }
  if (options.maxAge !== undefined) res.setHeader('Access-Control-Max-Age', String(options.maxAge));
  if (options.preflightContinue) return false;
  res.statusCode = options.optionsSuccessStatus ?? 204;
  res.setHeader('Content-Length', '0');
  res.end();
  return true;
}

/**
 * @example server.use(createCorsMiddleware({ origin: ['https://app.example'], credentials: true }))
 */
export function createCorsMiddleware(options: CorsOptions): Middleware {
  return (req, res, next) => {
    const decide = options.origin;
    if (typeof decide !== 'function') {
      if (decide === false) return next();
      if (!applyHeaders(options, decide ?? '*', req, res)) next();
      return;
    }
    decide(req.headers.origin, (err, origin) => {
      if (err) return next(err);
      if (origin === undefined || origin === false) return next();
      if (!applyHeaders(options, origin, req, res)) next();
    });
  };
}
