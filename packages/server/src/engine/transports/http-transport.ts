/**
 * What the HTTP transports (long-polling and SSE) share: the upstream POST (a `\x1e`-joined
 * payload answered `ok`), bounded bodies, and response headers open to `headers` listeners.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { decodeEnginePacket, type EnginePacket, ProtocolError, RECORD_SEPARATOR } from '@parley/protocol';
import { type EngineError, PayloadTooLargeError, TransportError } from '../errors.js';
import { readBinaryBody, readTextBody } from '../http/body.js';
import { respondBare, respondError } from '../http/respond.js';
import type { ResolvedOptions } from '../options.js';
import { Transport, type TransportOwner } from './transport.js';

/** What HTTP transports need from their server. */
export interface HttpTransportContext {
  readonly maxHttpBufferSize: number;
  readonly httpCompression: ResolvedOptions['httpCompression'];
  /** Lets `initial_headers` (first response of a session) and `headers` listeners add headers. */
  decorateHeaders(headers: OutgoingHttpHeaders, req: IncomingMessage, initial: boolean): void;
  /** True once the server is shutting down: connections are not kept alive past their answer. */
  isClosing(): boolean;
}

export const TEXT_CONTENT_TYPE = 'text/plain; charset=UTF-8';

/**
 * What engine.io adds to every response of an HTTP transport, before `headers` listeners see
 * them: no caching (a proxy or browser cache must never answer a poll), and for Internet
 * Explorer its XSS filter turned off, which could otherwise mangle a payload.
 */
function addPollingHeaders(headers: OutgoingHttpHeaders, req: IncomingMessage): void {
  const userAgent = req.headers['user-agent'];
  if (userAgent !== undefined && (userAgent.includes(';MSIE') || userAgent.includes('Trident/'))) {
    headers['X-XSS-Protection'] = '0';
  }
  headers['cache-control'] = 'no-store';
}

export abstract class HttpTransport extends Transport {
  protected readonly context: HttpTransportContext;
  /** The response of the POST whose body is being read, if any. */
  #pendingPost: ServerResponse | null = null;

  constructor(owner: TransportOwner, context: HttpTransportContext) {
    super(owner);
    this.context = context;
  }

  /** Handles a request of this session (the server has checked sid and transport). */
  abstract onRequest(req: IncomingMessage, res: ServerResponse): void;

  /**
   * Writes a complete response, with engine.io's headers and then `headers` listeners applied.
   * A string body is written
   * together with the head in one socket write (Node joins them only for strings; a Buffer
   * body makes a second chunk and a writev).
   */
  protected respond(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    headers: OutgoingHttpHeaders,
    body: string | Buffer,
    initial = false,
    onWritten?: () => void,
  ): void {
    if (res.writableEnded || res.destroyed) return;
    // A compressed body goes out chunked, as engine.io streams it through zlib.
    if (headers['Content-Length'] === undefined && headers['Content-Encoding'] === undefined) {
      headers['Content-Length'] = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
    }
    addPollingHeaders(headers, req);
    this.context.decorateHeaders(headers, req, initial);
    res.writeHead(status, headers);
    res.end(body, onWritten);
  }

  /** Upstream: decodes a POSTed payload and hands its packets to the owner. */
  protected onPost(req: IncomingMessage, res: ServerResponse): void {
    if (this.#pendingPost !== null) {
      respondBare(res, 400);
      this.owner.onTransportFailure(
        'transport error',
        new TransportError('POLL_OVERLAP', 'data request overlap from client'),
      );
      return;
    }
    // Engine.IO v4 sends binary data base64-encoded in text payloads.
    if (req.headers['content-type'] === 'application/octet-stream' && !this.readsBinaryBody(req)) {
      respondBare(res, 400);
      this.owner.onTransportFailure('transport error', new TransportError('TRANSPORT_ERROR', 'invalid content'));
      return;
    }
    this.#pendingPost = res;
    const onBody = (error: EngineError | null, body: string | Buffer): void => {
      if (this.#pendingPost === res) this.#pendingPost = null;
      if (error) {
        this.#onBodyError(res, error);
        return;
      }
      this.deliverBody(body);
      // Answered "ok" even after a parse error, with engine.io's headers.
      // The length as engine.io gives it here, a string (`headers` listeners see its type).
      this.respond(req, res, 200, { 'Content-Type': 'text/html', 'Content-Length': '2' }, 'ok');
    };
    if (this.readsBinaryBody(req)) readBinaryBody(req, this.context.maxHttpBufferSize, onBody);
    else readTextBody(req, this.context.maxHttpBufferSize, onBody);
  }

  /** Whether a POST body is read as bytes (Engine.IO v3 binary payloads) rather than text. */
  protected readsBinaryBody(_req: IncomingMessage): boolean {
    return false;
  }

  /**
   * Hands the payload's packets to the owner in order. As with engine.io, the packets before an
   * undecodable record are delivered; that record ends the session with "parse error".
   */
  protected deliverBody(body: string | Buffer): void {
    const text = body as string;
    let start = 0;
    while (this.state !== 'closed') {
      const end = text.indexOf(RECORD_SEPARATOR, start);
      let packet: EnginePacket;
      try {
        packet = decodeEnginePacket(end === -1 ? text.slice(start) : text.slice(start, end));
      } catch (cause) {
        this.failParse(cause);
        return;
      }
      this.owner.onTransportPacket(packet);
      if (end === -1) return;
      start = end + 1;
    }
  }

  /** An undecodable payload ends the session with "parse error". */
  protected failParse(cause: unknown): void {
    const reason = cause instanceof ProtocolError ? cause : new TransportError('PARSE_ERROR', String(cause));
    this.owner.onTransportFailure('parse error', reason);
  }

  /**
   * The session is gone while a POST body is still arriving (a slow or stalled upload): answer
   * it now rather than when, or if, the body ends, and drop its connection, whose unread rest
   * of the body makes it unusable anyway.
   */
  protected abortPendingPost(): void {
    const res = this.#pendingPost;
    if (res === null) return;
    this.#pendingPost = null;
    res.shouldKeepAlive = false;
    respondError(res, 400, 1, 'Session ID unknown');
  }

  #onBodyError(res: ServerResponse, error: EngineError): void {
    if (error instanceof PayloadTooLargeError) {
      // As engine.io: a bare 413, and the session stays open (the client decides what to do;
      // socket.io-client closes its transport). `Connection: close` stops Node from reading
      // (and discarding) the rest of the upload.
      res.shouldKeepAlive = false;
      respondBare(res, 413);
      return;
    }
    // An upload cut short is a "transport error", as engine.io reports it.
    this.owner.onTransportFailure('transport error', error);
  }
}
