/**
 * HTTP long-polling: the client keeps one GET pending to receive (answered with every queued
 * packet, `\x1e`-joined, binary as `b`+base64) and POSTs to send. One GET and one POST may be in
 * flight; a second concurrent GET is a protocol error that closes the session. A response
 * carries at most about a megabyte (see `text-payload.ts`); the rest waits for the next GET.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { TransportError } from '../errors.js';
import { compressBody, negotiateEncoding } from '../http/compress.js';
import { respondBare, respondError } from '../http/respond.js';
import { CLOSE, NOOP, type OutboundPacket } from '../packet.js';
import { HttpTransport, TEXT_CONTENT_TYPE } from './http-transport.js';
import { joinTextRecords } from './text-payload.js';

const BINARY_CONTENT_TYPE = 'application/octet-stream';

/** A poll response body and how many of the queued packets it carries. */
export interface PollBody {
  body: string | Buffer;
  end: number;
}

/** How long a gracefully closing session waits for the client's next GET to deliver `1`. */
const CLOSE_TIMEOUT = 30_000;

const CLOSE_ON_PENDING_POLL = [CLOSE];
const CLOSE_AFTER_POLL = [NOOP, CLOSE];

interface PendingGet {
  req: IncomingMessage;
  res: ServerResponse;
  initial: boolean;
}

export class PollingTransport extends HttpTransport {
  readonly name = 'polling';
  #pendingGet: PendingGet | null = null;
  #closeDone: (() => void) | undefined;
  #closeTimer: ReturnType<typeof setTimeout> | undefined;

  get writable(): boolean {
    return this.#pendingGet !== null && this.state === 'open';
  }

  /** Hands the handshake GET to the transport: it carries the open packet. */
  onHandshake(req: IncomingMessage, res: ServerResponse): void {
    this.#onGet(req, res, true);
  }

  onRequest(req: IncomingMessage, res: ServerResponse): void {
    if (req.method === 'GET') this.#onGet(req, res, false);
    else if (req.method === 'POST') this.onPost(req, res);
    // engine.io's answer to any other method on a session.
    else respondBare(res, 500);
  }

  #onGet(req: IncomingMessage, res: ServerResponse, initial: boolean): void {
    if (this.state === 'closed') {
      respondError(res, 400, 1, 'Session ID unknown');
      return;
    }
    if (this.#pendingGet !== null) {
      respondBare(res, 400);
      this.owner.onTransportFailure('transport error', new TransportError('POLL_OVERLAP', 'overlap from client'));
      return;
    }
    const pending = { req, res, initial };
    this.#pendingGet = pending;
    res.once('close', () => {
      if (this.#pendingGet !== pending) return;
      this.#pendingGet = null;
      if (this.state === 'open') {
        // A "transport error", as engine.io reports it (a tab closed while polling, a network drop).
        this.owner.onTransportFailure(
          'transport error',
          new TransportError('POLL_ABORTED', 'poll connection closed prematurely'),
        );
      }
    });
    // A GET that arrives while the session closes gets NOOP and CLOSE in one payload, as from engine.io.
    if (this.state === 'closing') this.#deliverClose(CLOSE_AFTER_POLL);
    else this.owner.onTransportWritable();
  }

  send(packets: readonly OutboundPacket[], compress: boolean, onWritten?: () => void): number {
    const pending = this.#pendingGet;
    if (pending === null || packets.length === 0) return 0;
    this.#pendingGet = null;
    const { body, end } = this.encodeBody(packets);
    // Callbacks wait for the response that carries the last of the packets.
    if (end < packets.length) onWritten = undefined;
    this.#respondWith(pending, body, compress, onWritten);
    return end;
  }

  #respondWith(
    pending: PendingGet,
    body: string | Buffer,
    compress: boolean,
    onWritten: (() => void) | undefined,
  ): void {
    const { req, res, initial } = pending;
    const text = typeof body === 'string';
    const headers: OutgoingHttpHeaders = { 'Content-Type': text ? TEXT_CONTENT_TYPE : BINARY_CONTENT_TYPE };
    const compression = this.context.httpCompression;
    // UTF-8 takes at most three bytes per UTF-16 unit: a body under a third of the threshold in
    // units needs no byte count.
    const encoding =
      compression &&
      compress &&
      (text
        ? body.length * 3 >= compression.threshold && Buffer.byteLength(body) >= compression.threshold
        : body.length >= compression.threshold)
        ? negotiateEncoding(req)
        : undefined;
    if (encoding === undefined || compression === false) {
      this.respond(req, res, 200, headers, body, initial, onWritten);
      return;
    }
    const bytes = text ? Buffer.from(body, 'utf8') : body;
    compressBody(encoding, bytes, compression, (error, compressed) => {
      if (!error) headers['Content-Encoding'] = encoding;
      this.respond(req, res, 200, headers, error ? bytes : compressed, initial, onWritten);
    });
  }

  /**
   * The body of a poll response carrying `packets` (at least one): `\x1e`-joined text records,
   * up to the payload bound; `end` is the index after the last packet it carries.
   */
  protected encodeBody(packets: readonly OutboundPacket[]): PollBody {
    const { payload, end } = joinTextRecords(packets, 0);
    return { body: payload, end };
  }

  close(done?: () => void): void {
    if (this.state !== 'open') {
      done?.();
      return;
    }
    this.state = 'closing';
    this.#closeDone = done;
    if (this.#pendingGet !== null) {
      this.#deliverClose(CLOSE_ON_PENDING_POLL);
      return;
    }
    this.#closeTimer = setTimeout(() => this.#finishClose(), CLOSE_TIMEOUT);
    this.#closeTimer.unref();
  }

  override releaseHeldRequest(): void {
    if (this.#pendingGet !== null) this.send([NOOP], false);
  }

  discard(): void {
    if (this.state === 'closed') return;
    // A GET still pending would hang until the client's timeout: release it with a noop.
    if (this.#pendingGet !== null) this.send([NOOP], false);
    this.#finishClose();
  }

  shutdown(): void {
    this.abortPendingPost();
    if (this.state === 'closed') return;
    if (this.#pendingGet !== null) this.send([CLOSE], false);
    this.#finishClose();
  }

  #deliverClose(packets: readonly OutboundPacket[]): void {
    this.send(packets, false);
    this.#finishClose();
  }

  #finishClose(): void {
    this.state = 'closed';
    if (this.#closeTimer !== undefined) clearTimeout(this.#closeTimer);
    this.#closeTimer = undefined;
    const done = this.#closeDone;
    this.#closeDone = undefined;
    done?.();
  }
}
