// Fails (exit 1) when the minified browser bundle is over its gzip budget.
// Usage: node scripts/check-size.mjs [--build] [--outdir <dir>]   (--build bundles first)
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { bundle, outdirArgument } from './bundle.mjs';

// 9 KB plus 384 bytes. socket.io-client fidelity cost ~380 bytes gzip beyond the first 9 KB
// budget: the engine handle (packetCreate, binaryType, close() as a transport drop),
// useNativeTimers, the `parser` option, socket.io-client's ack semantics on disconnection and
// its 190-character message for a v2 server, kept verbatim because applications see it; and
// the decoder's nesting-depth limit (about 70 bytes), which keeps a hostile server from
// overflowing the page's stack.
export const BUDGET_BYTES = 9 * 1024 + 384;

export function measure(outdir) {
  return gzipSync(readFileSync(resolve(outdir, 'socket.io.min.js')), { level: 9 }).length;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outdir = outdirArgument();
  if (process.argv.includes('--build')) await bundle(outdir);
  const size = measure(outdir);
  const verdict = size <= BUDGET_BYTES ? 'ok' : 'OVER BUDGET';
  console.log(`socket.io.min.js: ${size} bytes gzip (budget ${BUDGET_BYTES}) ${verdict}`);
  if (size > BUDGET_BYTES) process.exit(1);
}
