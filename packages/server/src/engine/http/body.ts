/**
 * Reads a request body as UTF-8 text, refusing it as soon as it passes the size limit (by its
 * Content-Length up front, or while streaming) so an oversized upload is never buffered whole.
 */
import type { IncomingMessage } from 'node:http';
import { type EngineError, PayloadTooLargeError, TransportError } from '../errors.js';

export type BodyCallback = (error: EngineError | null, body: string) => void;

export function readTextBody(req: IncomingMessage, limit: number, callback: BodyCallback): void {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) {
    callback(new PayloadTooLargeError(limit), '');
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let settled = false;

  const finish = (error: EngineError | null, body: string): void => {
    if (settled) return;
    settled = true;
    req.off('data', onData);
    req.off('end', onEnd);
    req.off('error', onError);
    req.off('close', onClose);
    if (error) req.on('error', ignore);
    callback(error, body);
  };
  const onData = (chunk: Buffer): void => {
    size += chunk.length;
    if (size > limit) finish(new PayloadTooLargeError(limit), '');
    else chunks.push(chunk);
  };
  const onEnd = (): void => {
    const bytes = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
    finish(null, bytes.toString('utf8'));
  };
  const onError = (cause: Error): void => {
    finish(new TransportError('POLL_ABORTED', 'request body failed', { cause }), '');
  };
  const onClose = (): void => {
    if (!req.complete) finish(new TransportError('POLL_ABORTED', 'request aborted before its body ended'), '');
  };
  req.on('data', onData);
  req.on('end', onEnd);
  req.on('error', onError);
  req.on('close', onClose);
}

function ignore(): void {}
