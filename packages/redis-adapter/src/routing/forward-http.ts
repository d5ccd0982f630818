/**
 * Forwards one HTTP request (polling GET or POST, SSE POST, CORS preflight) to the node that
 * owns its session and streams the answer back: status, headers (the owner's CORS headers
 * included) and body pass through untouched, both bodies streamed, so the forwarding node
 * holds no more than a stream buffer of either. The request body is still bounded here by
 * `maxHttpBufferSize`, as on the owner, so a client cannot use a node as an unbounded pipe.
 */
import { type Agent, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { RedisAdapterError } from '../errors.js';
import { isEndToEnd } from './forwarded-mark.js';

export interface HttpTarget {
  host: string;
  port: number;
}

export interface ForwardHttpOptions {
  agent: Agent;
  /** How long opening a connection to the owner may take. */
  connectTimeoutMs: number;
  maxHttpBufferSize: number;
  /** The owner could not be reached before anything was answered: the engine answers instead. */
  unreachable: () => void;
  /** Whether this is the one retry of a request sent on a connection the owner had closed. */
  retried?: boolean;
}

function hasNoBody(req: IncomingMessage): boolean {
  return req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined;
}

export function forwardHttp(
  req: IncomingMessage,
  res: ServerResponse,
  target: HttpTarget,
  headers: string[],
  options: ForwardHttpOptions,
): void {
  const upstream = request({
    host: target.host,
    port: target.port,
    method: req.method,
    path: req.url,
    headers,
    // A retry takes a new connection rather than another idle one the owner may be closing too.
    agent: options.retried ? false : options.agent,
  });
  let answered = false;
  upstream.on('socket', (socket: Socket) => {
    if (!socket.connecting) return;
    // Only a new connection is timed: a long poll may rightly wait a whole ping interval.
    const timer = setTimeout(
      () => upstream.destroy(new RedisAdapterError('OWNER_UNREACHABLE', 'owner connect timeout')),
      options.connectTimeoutMs,
    );
    socket.once('connect', () => clearTimeout(timer));
    socket.once('close', () => clearTimeout(timer));
  });
  upstream.on('error', (error: NodeJS.ErrnoException) => {
    req.unpipe(upstream);
    if (answered || res.headersSent) {
      if (!res.writableEnded) res.destroy();
    } else if (!options.retried && upstream.reusedSocket && error.code === 'ECONNRESET' && hasNoBody(req)) {
      // The owner closed an idle keep-alive connection as this request went out on it: a
      // request without a body is safely sent again, on a new connection.
      forwardHttp(req, res, target, headers, { ...options, retried: true });
    } else options.unreachable();
  });
  // A client that aborts mid-body: the owner's request is abandoned too.
  req.on('error', () => upstream.destroy());
  upstream.on('response', (answer) => {
    answered = true;
    // The owner answered before reading the whole body (a 413, say): the rest is not read.
    if (!req.readableEnded) {
      req.unpipe(upstream);
      res.shouldKeepAlive = false;
    }
    const passed: string[] = [];
    const raw = answer.rawHeaders;
    for (let i = 0; i < raw.length; i += 2) if (isEndToEnd(raw[i])) passed.push(raw[i], raw[i + 1]);
    res.writeHead(answer.statusCode ?? 502, answer.statusMessage, passed);
    answer.pipe(res);
    answer.on('error', () => res.destroy());
  });
  // The client went away (or the answer is complete): the upstream request is done either way.
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  let received = 0;
  req.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received <= options.maxHttpBufferSize || answered) return;
    // Larger than the owner accepts: answered here as the owner would (a bare 413).
    answered = true;
    req.unpipe(upstream);
    upstream.destroy();
    res.shouldKeepAlive = false;
    res.writeHead(413, { 'Content-Length': 0 });
    res.end();
  });
  req.pipe(upstream);
}
