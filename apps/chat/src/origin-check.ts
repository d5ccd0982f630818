/**
 * Cross-site WebSocket hijacking guard. A browser lets any web page open a WebSocket (or send
 * polling requests) to any server, attaching the visitor's address and cookies; only the `Origin`
 * header says which site asked. The realtime endpoint therefore answers only the chat's own origin
 * (the Origin whose host is the request's Host) and the origins listed in ALLOWED_ORIGINS.
 * Requests without an Origin come from non-browser clients, which no web page can impersonate.
 *
 * Every request of the endpoint is checked, the handshake, each polling request and the WebSocket
 * upgrade alike: `allowRequest` would only see handshakes, leaving a session's later requests open.
 */
import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/** What a refused request gets: the engine's own "Forbidden" answer (code 4), as socket.io sends it. */
const FORBIDDEN_BODY = JSON.stringify({ code: 4, message: 'Forbidden' });

export interface OriginPolicy {
  /** Extra origins allowed besides the chat's own, e.g. `https://chat.example.com` (exact match). */
  allowedOrigins: readonly string[];
}

/** Normalizes an origin (`https://Example.com:443` -> `https://example.com`); undefined if malformed. */
export function normalizeOrigin(origin: string): string | undefined {
  if (origin === 'null') return 'null';
  try {
    const url = new URL(origin);
    return url.origin === 'null' ? undefined : url.origin;
  } catch {
    return undefined;
  }
}

/** True when the request may use the realtime endpoint. */
export function isAllowedOrigin(req: IncomingMessage, allowed: ReadonlySet<string>): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  const normalized = normalizeOrigin(origin);
  if (normalized === undefined) return false;
  if (allowed.has(normalized)) return true;
  if (normalized === 'null') return false;
  // Same origin: the page was loaded from the host this request is addressed to.
  return req.headers.host !== undefined && new URL(normalized).host === req.headers.host.toLowerCase();
}

/**
 * Refuses cross-origin requests to the realtime endpoint at `path` (e.g. `/socket.io`) with 403.
 * Install it after the realtime server is attached: it wraps the http server's `emit`, which is
 * where both Parley and engine.io pick up their requests, so it runs before either sees one.
 * Returns the function that removes it.
 */
export function guardOrigins(httpServer: HttpServer, path: string, policy: OriginPolicy): () => void {
  const allowed = new Set(policy.allowedOrigins.map((origin) => normalizeOrigin(origin) ?? origin));
  const isEndpoint = (req: IncomingMessage): boolean => {
    const pathname = (req.url ?? '').split('?', 1)[0];
    return pathname === path || pathname === `${path}/`;
  };
  type Emit = (event: string | symbol, ...args: unknown[]) => boolean;
  const inner = httpServer.emit as Emit;
  const guarded: Emit = function (this: HttpServer, event, ...args) {
    if (event === 'request' || event === 'upgrade') {
      const req = args[0] as IncomingMessage;
      if (isEndpoint(req) && !isAllowedOrigin(req, allowed)) {
        if (event === 'request') refuseRequest(args[1] as ServerResponse);
        else refuseUpgrade(args[1] as Duplex);
        return true;
      }
    }
    return inner.call(this, event, ...args);
  };
  (httpServer as { emit: Emit }).emit = guarded;
  return () => {
    if (httpServer.emit === guarded) (httpServer as { emit: Emit }).emit = inner;
  };
}

function refuseRequest(res: ServerResponse): void {
  res.writeHead(403, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(FORBIDDEN_BODY) });
  res.end(FORBIDDEN_BODY);
}

function refuseUpgrade(socket: Duplex): void {
  socket.on('error', () => {}); // the peer may already be gone; nothing to report
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(
    'HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(FORBIDDEN_BODY)}\r\n\r\n${FORBIDDEN_BODY}`,
  );
}

/** Parses ALLOWED_ORIGINS: comma-separated origins; each must be a valid `scheme://host[:port]`. */
export function parseAllowedOrigins(raw: string | undefined): string[] | { invalid: string } {
  if (raw === undefined || raw.trim() === '') return [];
  const origins: string[] = [];
  for (const entry of raw.split(',')) {
    const trimmed = entry.trim();
    if (trimmed === '') continue;
    const normalized = normalizeOrigin(trimmed);
    if (normalized === undefined || normalized === 'null') return { invalid: trimmed };
    origins.push(normalized);
  }
  return origins;
}
