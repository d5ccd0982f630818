/**
 * Bundles a TypeScript entry into one ES module that a child Node process can run, with the
 * workspace packages taken from their source (the `@parley/source` condition) and third-party
 * packages left external, loaded from node_modules. Multi-process tests (node:cluster workers,
 * cluster nodes, the chat's server) all start their children this way.
 */
import { build } from 'esbuild';

export async function bundleForNode(entry: string, outfile: string): Promise<string> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // As the packages' own builds do: class names (`socket.constructor.name`) stay as written.
    keepNames: true,
    conditions: ['@parley/source'],
    logLevel: 'error',
    plugins: [
      {
        name: 'external-node-modules',
        setup(builder) {
          builder.onResolve({ filter: /^[^./]/ }, (args) =>
            args.path.startsWith('@parley/') ? undefined : { path: args.path, external: true },
          );
        },
      },
    ],
  });
  return outfile;
}
