// Checks the published shape of every library package: publint for package.json mistakes,
// are-the-types-wrong for ESM/CJS type resolution (import and require both typed correctly).
import { execFileSync } from 'node:child_process';

const packages = ['packages/protocol', 'packages/server', 'packages/client'];
let failed = false;
for (const dir of packages) {
  for (const [tool, args] of [
    ['publint', ['publint', dir, '--strict']],
    ['attw', ['attw', '--pack', dir, '--profile', 'node16', '--format', 'table-flipped']],
  ]) {
    try {
      execFileSync('npx', ['--no-install', ...args], { stdio: 'pipe', encoding: 'utf8' });
      console.log(`ok   ${tool} ${dir}`);
    } catch (error) {
      failed = true;
      console.error(`FAIL ${tool} ${dir}\n${error.stdout ?? ''}${error.stderr ?? ''}`);
    }
  }
}
process.exit(failed ? 1 : 0);
