// What the bench's command scripts share: build the bench (scripts/build.mjs), then run one
// of its built entry points with this process's arguments, exiting with its status.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** `entry` is relative to bench/dist, e.g. `soak/main.js`. */
export function buildAndRun(entry) {
  const built = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
  const run = spawnSync(process.execPath, [join(root, 'dist', entry), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(run.status ?? 1);
}
