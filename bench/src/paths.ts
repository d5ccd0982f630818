import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** bench/ itself: this file is bench/src/paths.ts, compiled to bench/dist/paths.js. */
export const BENCH_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Child entry points always run compiled (`npm run build -w @parley/bench`). */
export const SERVER_ENTRY = join(BENCH_ROOT, 'dist', 'servers', 'main.js');
export const LOADGEN_ENTRY = join(BENCH_ROOT, 'dist', 'loadgen', 'main.js');

export const RESULTS_DIR = join(BENCH_ROOT, 'results');
