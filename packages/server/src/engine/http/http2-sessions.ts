/**
 * The HTTP/2 sessions (connections) that carried engine requests, so that closing the engine
 * closes them too. A closing HTTP/1 server drops its idle keep-alive connections itself, and
 * the engine marks its last answers `Connection: close`; Node 20 does neither for HTTP/2: a
 * client that keeps its session open (every browser does) would hold `httpServer.close()`, and
 * with it `io.close()`, until it hangs up.
 */
import type { IncomingMessage } from 'node:http';
import type { Http2ServerRequest, Http2Session } from 'node:http2';
import { isHttp2 } from './respond.js';

export class Http2Sessions {
  readonly #sessions = new Set<Http2Session>();

  /** Remembers the session of `req`, if it came over HTTP/2, until that session closes. */
  track(req: IncomingMessage): void {
    if (!isHttp2(req)) return;
    const session = (req as unknown as Http2ServerRequest).stream?.session;
    if (session === undefined || this.#sessions.has(session) || session.closed) return;
    this.#sessions.add(session);
    session.once('close', () => this.#sessions.delete(session));
  }

  /** Closes every session gracefully (GOAWAY): streams in flight finish, no new one starts. */
  closeAll(): void {
    for (const session of this.#sessions) if (!session.closed && !session.destroyed) session.close();
    this.#sessions.clear();
  }
}
