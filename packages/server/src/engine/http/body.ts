/**
 * Reads a request body as UTF-8 text, refusing it as soon as it passes the size limit (by its
 * Content-Length up front, or while streaming) so an oversized upload is never buffered whole.
 *
 * Every POST of a polling session goes through here, so the listeners are shared module
 * functions (the request is their `this`) and the per-body state is one small object, rather
 * than a set of closures per request.
 */
import type { IncomingMessage } from 'node:http';
import { type EngineError, PayloadTooLargeError, TransportError } from '../errors.js';

export type BodyCallback = (error: EngineError | null, body: string) => void;
/** A raw body (Engine.IO v3 binary polling payloads). */
export type BinaryBodyCallback = (error: EngineError | null, body: Buffer) => void;

const READER = Symbol('parley.bodyReader');
const EMPTY = Buffer.alloc(0);

class BodyReader {
  readonly limit: number;
  readonly callback: (error: EngineError | null, body: string | Buffer) => void;
  /** Whether the body is handed over as bytes rather than decoded as UTF-8. */
  readonly binary: boolean;
  chunks: Buffer[] = [];
  size = 0;
  settled = false;

  constructor(limit: number, callback: BodyCallback | BinaryBodyCallback, binary: boolean) {
    this.limit = limit;
    this.callback = callback as BodyReader['callback'];
    this.binary = binary;
  }
}

type ReadingRequest = IncomingMessage & { [READER]?: BodyReader };

export function readTextBody(req: IncomingMessage, limit: number, callback: BodyCallback): void {
  readBody(req, new BodyReader(limit, callback, false));
}

/** Reads a request body as bytes, with the same limits as {@link readTextBody}. */
export function readBinaryBody(req: IncomingMessage, limit: number, callback: BinaryBodyCallback): void {
  readBody(req, new BodyReader(limit, callback, true));
}

function readBody(req: IncomingMessage, reader: BodyReader): void {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > reader.limit) {
    reader.callback(new PayloadTooLargeError(reader.limit), reader.binary ? EMPTY : '');
    return;
  }
  (req as ReadingRequest)[READER] = reader;
  req.on('data', onData);
  req.on('end', onEnd);
  req.on('error', onError);
  req.on('close', onClose);
}

function finish(req: ReadingRequest, error: EngineError | null, body: string | Buffer): void {
  const reader = req[READER];
  if (reader === undefined || reader.settled) return;
  reader.settled = true;
  req[READER] = undefined;
  req.off('data', onData);
  req.off('end', onEnd);
  req.off('error', onError);
  req.off('close', onClose);
  if (error) req.on('error', ignore);
  reader.callback(error, error && reader.binary ? EMPTY : body);
}

function onData(this: ReadingRequest, chunk: Buffer): void {
  const reader = this[READER];
  if (reader === undefined) return;
  reader.size += chunk.length;
  if (reader.size > reader.limit) finish(this, new PayloadTooLargeError(reader.limit), '');
  else reader.chunks.push(chunk);
}

function onEnd(this: ReadingRequest): void {
  const reader = this[READER];
  if (reader === undefined) return;
  const { chunks, size } = reader;
  const bytes = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
  finish(this, null, reader.binary ? bytes : bytes.toString('utf8'));
}

function onError(this: ReadingRequest, cause: Error): void {
  finish(this, new TransportError('POLL_ABORTED', 'request body failed', { cause }), '');
}

function onClose(this: ReadingRequest): void {
  if (!this.complete)
    finish(this, new TransportError('POLL_ABORTED', 'data request connection closed prematurely'), '');
}

function ignore(): void {}
