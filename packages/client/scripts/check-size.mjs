// Fails (exit 1) when the minified browser bundle is over its gzip budget.
// Usage: node scripts/check-size.mjs [--build] [--outdir <dir>]   (--build bundles first)
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { bundle, outdirArgument } from './bundle.mjs';

// 9 KB plus 64 bytes: socket.io-client's message for a v2 server (connect_error) is
// an application-visible string of 190 characters, kept verbatim for fidelity.
export const BUDGET_BYTES = 9 * 1024 + 64;

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
