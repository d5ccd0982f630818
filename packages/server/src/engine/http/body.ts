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

const READER = Symbol('parley.bodyReader');

class BodyReader {
  readonly limit: number;
  readonly callback: BodyCallback;
  chunks: Buffer[] = [];
  size = 0;
  settled = false;

  constructor(limit: number, callback: BodyCallback) {
    this.limit = limit;
    this.callback = callback;
  }
}

type ReadingRequest = IncomingMessage & { [READER]?: BodyReader };

export function readTextBody(req: IncomingMessage, limit: number, callback: BodyCallback): void {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) {
    callback(new PayloadTooLargeError(limit), '');
    return;
  }
  (req as ReadingRequest)[READER] = new BodyReader(limit, callback);
  req.on('data', onData);
  req.on('end', onEnd);
  req.on('error', onError);
  req.on('close', onClose);
}

function finish(req: ReadingRequest, error: EngineError | null, body: string): void {
  const reader = req[READER];
  if (reader === undefined || reader.settled) return;
  reader.settled = true;
  req[READER] = undefined;
  req.off('data', onData);
  req.off('end', onEnd);
  req.off('error', onError);
  req.off('close', onClose);
  if (error) req.on('error', ignore);
  reader.callback(error, body);
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
  const body = chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks, size).toString('utf8');
  finish(this, null, body);
}

function onError(this: ReadingRequest, cause: Error): void {
  finish(this, new TransportError('POLL_ABORTED', 'request body failed', { cause }), '');
}

function onClose(this: ReadingRequest): void {
  if (!this.complete)
    finish(this, new TransportError('POLL_ABORTED', 'data request connection closed prematurely'), '');
}

function ignore(): void {}
