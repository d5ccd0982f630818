// `node bench/scripts/chat-load.mjs [--quick --stores sqlite,postgres --users 400 --rooms 20 --rate 400]`:
// builds the bench, then runs the chat under load (bench/src/chatload/main.ts) against the built chat
// (apps/chat/dist: `npm run build -w @parley/chat` after changing the chat).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);
const run = spawnSync(process.execPath, [join(root, 'dist', 'chatload', 'main.js'), ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exit(run.status ?? 1);
