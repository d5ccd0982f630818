// Builds the browser bundles into dist/bundle: an IIFE exposing the global `io`
// (socket.io.js, socket.io.min.js), an ES module (socket.io.esm.min.js), and an IIFE whose
// default parser is socket.io-msgpack-parser (socket.io.msgpack.min.js), with source maps.
//
// Browser-only build steps (the Node build from tsup is untouched), none of which changes what
// an application can observe:
// - platform.js is swapped for platform.browser.ts, so `ws` never reaches the bundle;
// - the protocol's binary.ts is swapped for binary.browser.ts: no Buffer branches, and base64
//   through atob/btoa instead of the portable codec (about 445 bytes gzip);
// - internal member names that are never part of the public API are shortened;
// - the protocol package's error messages are replaced by their error codes (the message is the
//   code). The codes are the stable, documented part of a ProtocolError; the prose would cost ~4%
//   of the budget, and the client reports decode failures in socket.io-client's words anyway;
// - `PacketType.EVENT` and its kind become the numbers they stand for (about 70 bytes gzip).
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_OUTDIR = resolve(root, 'dist/bundle');

/**
 * Members used across the client's own classes only (and the protocol Decoder's
 * `awaitingAttachments`, which the client never exposes); user code never sees or passes them.
 */
const INTERNAL_MEMBERS =
  /^(writePacket|destroySocket|emitReserved|dispatch|deliver|checkPause|reading|onOpen|onError|onClose|hasPingExpired|withError|resentOnReconnect|tryCount|fromQueue|pending|state|request|url|listener|arm|stop|expired|awaitingAttachments)$/;

const protocolBinary = resolve(root, '../protocol/src/binary.js');

const browserPlatform = {
  name: 'browser-platform',
  setup(b) {
    b.onResolve({ filter: /[/\\]platform\.js$/ }, () => ({ path: resolve(root, 'src/platform.browser.ts') }));
    // the protocol's byte helpers without Buffer (see binary.browser.ts)
    b.onResolve({ filter: /^\.\.?\/binary\.js$/ }, ({ path, resolveDir }) =>
      resolve(resolveDir, path) === protocolBinary ? { path: resolve(root, 'src/binary.browser.ts') } : undefined,
    );
    b.onResolve({ filter: /^ws$/ }, () => {
      throw new Error('ws must not reach the browser bundle');
    });
  },
};

const CODED_ERROR_SUPER = 'super(message, options)';

const protocolMessagesToCodes = {
  name: 'protocol-messages-to-codes',
  setup(b) {
    b.onLoad({ filter: /protocol[/\\]src[/\\].*\.ts$/ }, async ({ path }) => {
      const source = await readFile(path, 'utf8');
      const contents = source
        // a message-only call passes the code alone: CodedError (below) makes it the message
        .replace(/new ProtocolError\(\s*('[A-Z_0-9]+'),\s*(?:'[^'\n]*'|`[^`\n]*`)\)/g, 'new ProtocolError($1)')
        .replace(/new ProtocolError\(\s*('[A-Z_0-9]+'),\s*(?:'[^'\n]*'|`[^`\n]*`)/g, 'new ProtocolError($1, $1')
        .replace(CODED_ERROR_SUPER, 'super(message ?? code, options)')
        .replace(/\binvalid\('[^'\n]*'\)/g, "invalid('INVALID_PAYLOAD')")
        .replace(/new TypeError\(`[^`\n]*`\)/g, 'new TypeError()');
      if (/\bclass CodedError\b/.test(source) && !source.includes(CODED_ERROR_SUPER)) {
        throw new Error(`${path}: CodedError no longer calls ${CODED_ERROR_SUPER}`);
      }
      return { contents: packetTypesToNumbers(contents), loader: 'ts' };
    });
  },
};

/** The protocol's `PacketType` table, read from its source so that the two cannot drift apart. */
const PACKET_TYPES = Object.fromEntries(
  [
    ...(await readFile(resolve(root, '../protocol/src/socket/packet.ts'), 'utf8'))
      .match(/export const PacketType = \{([^}]*)\}/)[1]
      .matchAll(/([A-Z_]+): (\d+)/g),
  ].map(([, name, value]) => [name, value]),
);

/** `PacketType.EVENT` -> `2`: esbuild keeps an object's property reads as written; a number is one byte. */
function packetTypesToNumbers(source) {
  return source.replace(/\bPacketType\.([A-Z_]+)\b/g, (_, name) => {
    if (!(name in PACKET_TYPES)) throw new Error(`unknown PacketType.${name}`);
    return PACKET_TYPES[name];
  });
}

/** The client's own sources, with `PacketType.X` inlined as in the protocol's. */
const clientPacketTypes = {
  name: 'client-packet-types',
  setup(b) {
    b.onLoad({ filter: /client[/\\]src[/\\].*\.ts$/ }, async ({ path }) => ({
      contents: packetTypesToNumbers(await readFile(path, 'utf8')),
      loader: 'ts',
    }));
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
  plugins: [browserPlatform, protocolMessagesToCodes, clientPacketTypes],
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
