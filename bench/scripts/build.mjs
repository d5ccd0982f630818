// Compiles bench/src to bench/dist (one ESM file per source file, no bundling), so that the
// harness can spawn its server and load-generator entry points as plain Node processes.
// Files are overwritten in place rather than the folder wiped, so a build never pulls files
// from under a run that is already going.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

await build({
  absWorkingDir: root,
  entryPoints: ['src/**/*.ts'],
  outdir: 'dist',
  outbase: 'src',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
});
