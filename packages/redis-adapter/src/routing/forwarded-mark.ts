/**
 * The mark a node puts on a request it forwards, and the headers of the forwarded request.
 *
 * The mark carries the cluster's secret, so only a node can set it: a forwarded request is
 * never forwarded again (no loops between nodes that disagree about a session), and a client
 * that forges the header gains nothing, since a mark without the secret is ignored (the request
 * is routed as any other, and the forged header is replaced on the way).
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const FORWARDED_HEADER = 'x-parley-forwarded';

// Meaningful for one connection only: never copied to the next hop (RFC 9110, section 7.6.1).
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'proxy-authorization',
  'proxy-authenticate',
]);

export class ForwardedMark {
  readonly #secret: Buffer;
  readonly #value: string;

  constructor(secret: string) {
    this.#value = secret;
    this.#secret = Buffer.from(secret);
  }

  /** Whether `req` was forwarded by a node of this cluster. */
  isTrusted(req: IncomingMessage): boolean {
    const mark = req.headers[FORWARDED_HEADER];
    if (typeof mark !== 'string' || mark.length !== this.#value.length) return false;
    return timingSafeEqual(Buffer.from(mark), this.#secret);
  }

  /**
   * The headers of `req` for the next hop, as a flat `[name, value, ...]` list: hop-by-hop
   * headers dropped (an upgrade keeps `Connection` and `Upgrade`), the mark set, and the
   * client's address appended to `X-Forwarded-For` as any proxy does.
   */
  headersFor(req: IncomingMessage, upgrade: boolean): string[] {
    const raw = req.rawHeaders;
    const headers: string[] = [];
    let forwardedFor: string | undefined;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i].toLowerCase();
      if (name === FORWARDED_HEADER) continue;
      if (name === 'x-forwarded-for') {
        forwardedFor = forwardedFor === undefined ? raw[i + 1] : `${forwardedFor}, ${raw[i + 1]}`;
        continue;
      }
      if (HOP_BY_HOP.has(name) && !(upgrade && (name === 'connection' || name === 'upgrade'))) continue;
      headers.push(raw[i], raw[i + 1]);
    }
    const client = req.socket.remoteAddress ?? 'unknown';
    headers.push('X-Forwarded-For', forwardedFor === undefined ? client : `${forwardedFor}, ${client}`);
    headers.push(FORWARDED_HEADER, this.#value);
    return headers;
  }
}

/** Whether a response header may be passed back to the client as is. */
export function isEndToEnd(name: string): boolean {
  return !HOP_BY_HOP.has(name.toLowerCase());
}
