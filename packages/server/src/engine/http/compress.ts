/**
 * gzip/deflate of polling responses over the `httpCompression` threshold, when the client
 * accepts it. Compression runs on the zlib thread pool, never blocking the event loop.
 */
import type { IncomingMessage } from 'node:http';
import { deflate, gzip, type ZlibOptions } from 'node:zlib';

export type ContentEncoding = 'gzip' | 'deflate';

/** The encoding to use for `req`, preferring gzip, or undefined for none. */
export function negotiateEncoding(req: IncomingMessage): ContentEncoding | undefined {
  const accept = req.headers['accept-encoding'];
  if (typeof accept !== 'string' || accept === '') return undefined;
  let deflateAccepted = false;
  for (const part of accept.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const refused = params.some((param) => /^\s*q\s*=\s*0(?:\.0*)?\s*$/.test(param));
    if (refused) continue;
    if (name === 'gzip' || name === '*') return 'gzip';
    if (name === 'deflate') deflateAccepted = true;
  }
  return deflateAccepted ? 'deflate' : undefined;
}

export function compressBody(
  encoding: ContentEncoding,
  body: Buffer,
  options: ZlibOptions,
  callback: (error: Error | null, result: Buffer) => void,
): void {
  (encoding === 'gzip' ? gzip : deflate)(body, options, callback);
}
