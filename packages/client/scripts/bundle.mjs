// Builds the browser bundles into dist/bundle: an IIFE exposing the global `io`
// (socket.io.js, socket.io.min.js), an ES module (socket.io.esm.min.js), and an IIFE whose
// default parser is socket.io-msgpack-parser (socket.io.msgpack.min.js), with source maps.
//
// Browser-only build steps (the Node build from tsup is untouched):
// - platform.js is swapped for platform.browser.ts, so `ws` never reaches the bundle;
// - internal member names that are never part of the public API are shortened;
// - the protocol package's error messages are replaced by their error codes. The codes are
//   the stable, documented part of a ProtocolError; the prose would cost ~4% of the budget.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_OUTDIR = resolve(root, 'dist/bundle');

/** Members used across the client's own classes only; user code never sees or passes them. */
const INTERNAL_MEMBERS =
  /^(writePacket|destroySocket|emitReserved|dispatch|deliver|checkPause|reading|onOpen|onError|onClose|hasPingExpired|withError|resentOnReconnect|tryCount|fromQueue|pending|state|request|url|listener)$/;

const browserPlatform = {
  name: 'browser-platform',
  setup(b) {
    b.onResolve({ filter: /[/\\]platform\.js$/ }, () => ({ path: resolve(root, 'src/platform.browser.ts') }));
    b.onResolve({ filter: /^ws$/ }, () => {
      throw new Error('ws must not reach the browser bundle');
    });
  },
};

const protocolMessagesToCodes = {
  name: 'protocol-messages-to-codes',
  setup(b) {
    b.onLoad({ filter: /protocol[/\\]src[/\\].*\.ts$/ }, async ({ path }) => {
      const source = await readFile(path, 'utf8');
      const contents = source
        .replace(/new ProtocolError\(\s*('[A-Z_0-9]+'),\s*(?:'[^'\n]*'|`[^`\n]*`)/g, 'new ProtocolError($1, $1')
        .replace(/\binvalid\('[^'\n]*'\)/g, "invalid('INVALID_PAYLOAD')")
        .replace(/new TypeError\(`[^`\n]*`\)/g, 'new TypeError()');
      return { contents, loader: 'ts' };
    });
  },
};

/** The msgpack bundle: default-parser.js becomes default-parser.msgpack.ts, which brings the parser in. */
const msgpackDefault = {
  name: 'msgpack-default-parser',
  setup(b) {
    b.onResolve({ filter: /[/\\]default-parser\.js$/ }, () => ({
      path: resolve(root, 'src/default-parser.msgpack.ts'),
    }));
  },
};

const common = {
  bundle: true,
  platform: 'browser',
  target: 'es2022',
  conditions: ['@parley/source'],
  sourcemap: true,
  legalComments: 'none',
  plugins: [browserPlatform, protocolMessagesToCodes],
  logLevel: 'warning',
};
const global = { ...common, entryPoints: [resolve(root, 'src/global.ts')], format: 'iife' };

/** Builds the three bundles into `outdir` (default dist/bundle). */
export async function bundle(outdir = DEFAULT_OUTDIR) {
  await Promise.all([
    build({ ...global, outfile: `${outdir}/socket.io.js` }),
    build({ ...global, minify: true, mangleProps: INTERNAL_MEMBERS, outfile: `${outdir}/socket.io.min.js` }),
    build({
      ...common,
      entryPoints: [resolve(root, 'src/index.ts')],
      format: 'esm',
      minify: true,
      mangleProps: INTERNAL_MEMBERS,
      outfile: `${outdir}/socket.io.esm.min.js`,
    }),
    build({
      ...global,
      plugins: [...common.plugins, msgpackDefault],
      minify: true,
      mangleProps: INTERNAL_MEMBERS,
      outfile: `${outdir}/socket.io.msgpack.min.js`,
    }),
  ]);
}

/** `--outdir <dir>` from the command line, if given. */
export function outdirArgument(argv = process.argv) {
  const index = argv.indexOf('--outdir');
  return index >= 0 ? resolve(argv[index + 1]) : DEFAULT_OUTDIR;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundle(outdirArgument());
