// Checks the published shape of every library package:
// - publint: package.json mistakes (exports, files, types);
// - are-the-types-wrong: ESM and CJS type resolution (import and require both typed correctly);
// - a real `require()` and `import()` of each entry point from Node.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const packages = ['packages/protocol', 'packages/server', 'packages/client', 'packages/redis-adapter'].filter((dir) =>
  existsSync(`${dir}/package.json`),
);

let failed = false;
function run(label, command, args) {
  try {
    execFileSync(command, args, { stdio: 'pipe', encoding: 'utf8' });
    console.log(`ok   ${label}`);
  } catch (error) {
    failed = true;
    console.error(`FAIL ${label}\n${error.stdout ?? ''}${error.stderr ?? ''}`);
  }
}

for (const dir of packages) {
  const { name, exports } = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8'));
  run(`publint ${name}`, 'npx', ['--no-install', 'publint', dir, '--strict']);
  run(`attw ${name}`, 'npx', ['--no-install', 'attw', '--pack', dir, '--profile', 'node16']);
  for (const subpath of Object.keys(exports).filter((key) => key !== './package.json')) {
    const specifier = name + subpath.slice(1);
    const check = `if (!Object.keys(m).length) throw new Error('no exports')`;
    run(`require ${specifier}`, 'node', ['-e', `const m = require(${JSON.stringify(specifier)}); ${check}`]);
    run(`import  ${specifier}`, 'node', [
      '--input-type=module',
      '-e',
      `const m = await import(${JSON.stringify(specifier)}); ${check}`,
    ]);
  }
}
process.exit(failed ? 1 : 0);
