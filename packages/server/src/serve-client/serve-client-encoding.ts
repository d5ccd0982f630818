/**
 * The content encoding of a client bundle response, chosen from `Accept-Encoding` by the rules
 * socket.io's bundle route follows (those of the `negotiator` package): the highest quality
 * wins; on a tie, a named encoding beats `*`, then the one listed first in the header, then
 * brotli before gzip before deflate. `q=0` refuses an encoding.
 */
import { promisify } from 'node:util';
import { brotliCompress, deflate, gzip } from 'node:zlib';

export type BundleEncoding = 'br' | 'gzip' | 'deflate';

const OFFERED: readonly BundleEncoding[] = ['br', 'gzip', 'deflate'];

interface AcceptedCoding {
  name: string;
  quality: number;
  /** Position in the header. */
  order: number;
}

interface Candidate {
  encoding: BundleEncoding;
  quality: number;
  /** 1 when named in the header, 0 when only `*` covers it. */
  specificity: number;
  order: number;
  offered: number;
}

function parseAcceptEncoding(header: string): AcceptedCoding[] {
  const codings: AcceptedCoding[] = [];
  for (const entry of header.split(',')) {
    const [name, ...params] = entry.split(';').map((part) => part.trim());
    if (!name) continue;
    let quality = 1;
    for (const param of params) {
      const equals = param.indexOf('=');
      if (equals !== -1 && param.slice(0, equals).trim().toLowerCase() === 'q') {
        quality = Number.parseFloat(param.slice(equals + 1).trim());
      }
    }
    codings.push({ name: name.toLowerCase(), quality, order: codings.length });
  }
  return codings;
}

function candidateFor(encoding: BundleEncoding, offered: number, accepted: AcceptedCoding[]): Candidate | undefined {
  let best: Candidate | undefined;
  for (const coding of accepted) {
    const specificity = coding.name === encoding ? 1 : coding.name === '*' ? 0 : -1;
    if (specificity === -1) continue;
    // A more specific match wins, then a higher quality, then a later entry (as negotiator does).
    if (
      best === undefined ||
      (specificity - best.specificity || coding.quality - best.quality || coding.order - best.order) > 0
    ) {
      best = { encoding, quality: coding.quality, specificity, order: coding.order, offered };
    }
  }
  return best;
}

/** The encoding to compress a bundle file with, or undefined to send it as it is. */
export function negotiateBundleEncoding(header: string | undefined): BundleEncoding | undefined {
  if (header === undefined || header === '') return undefined;
  const accepted = parseAcceptEncoding(header);
  let chosen: Candidate | undefined;
  for (const [offered, encoding] of OFFERED.entries()) {
    const candidate = candidateFor(encoding, offered, accepted);
    if (candidate === undefined || !(candidate.quality > 0)) continue;
    if (chosen === undefined || ranksBefore(candidate, chosen)) chosen = candidate;
  }
  return chosen?.encoding;
}

function ranksBefore(a: Candidate, b: Candidate): boolean {
  const order = b.quality - a.quality || b.specificity - a.specificity || a.order - b.order || a.offered - b.offered;
  return order < 0;
}

const compressors = {
  br: promisify(brotliCompress),
  gzip: promisify(gzip),
  deflate: promisify(deflate),
};

/** Compresses a bundle file (once per file and encoding: the caller keeps the result). */
export function compressBundleFile(encoding: BundleEncoding, body: Buffer): Promise<Buffer> {
  return compressors[encoding](body);
}
