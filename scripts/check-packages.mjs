// Checks the published shape of every library package:
// - publint: package.json mistakes (exports, files, types);
// - are-the-types-wrong: ESM and CJS type resolution (import and require both typed correctly);
// - a real `require()` and `import()` of each entry point from Node, the first carrying every
//   value the second has;
// - the export lists of each CommonJS entry (src/index.cjs.ts) against src/index.ts, for types too.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cjsExportListDrift } from './cjs-export-lists.mjs';

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
    run(`require has every import of ${specifier}`, 'node', ['--input-type=module', '-e', sameValues(specifier)]);
  }
}

function sameValues(specifier) {
  return `
    import { createRequire } from 'node:module';
    const esm = await import(${JSON.stringify(specifier)});
    const cjs = createRequire(process.cwd() + '/')(${JSON.stringify(specifier)});
    const missing = Object.keys(esm).filter((name) => name !== 'default' && !(name in cjs));
    if (missing.length) throw new Error('require() lacks ' + missing.join(', '));`;
}

for (const { dir, missingFromCjs, missingFromEsm } of cjsExportListDrift(packages)) {
  const problems = [
    missingFromCjs.length &&
      `exported by src/index.ts, missing from both lists in src/index.cjs.ts: ${missingFromCjs.join(', ')}`,
    missingFromEsm.length && `listed in src/index.cjs.ts, not exported by src/index.ts: ${missingFromEsm.join(', ')}`,
  ].filter(Boolean);
  if (problems.length) {
    failed = true;
    console.error(`FAIL CommonJS export lists of ${dir}\n  ${problems.join('\n  ')}`);
  } else {
    console.log(`ok   CommonJS export lists of ${dir}`);
  }
}
process.exit(failed ? 1 : 0);
