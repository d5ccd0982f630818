// `node bench/scripts/scaling.mjs [--quick --counts 1000,5000,10000,20000 --servers socket.io,parley]`:
// builds the bench, then runs fan-out and idle memory at several client counts (bench/src/scaling/main.ts)
// and writes results/scaling.md, scaling.svg and scaling.json.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);
const run = spawnSync(process.execPath, [join(root, 'dist', 'scaling', 'main.js'), ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exit(run.status ?? 1);
