/**
 * Vitest setup file: `PARLEY_ENGINE=engine.io` runs the suites that opt in on the official
 * engine.io (through `engine-io-shim.ts`) instead of Parley's engine, to tell engine bugs from
 * socket-layer bugs. A suite opts in with a line comment of its own, `// @parley-engine either`:
 * the suites that test Parley's engine itself, or features only it has, stay on it.
 */
import { readFileSync } from 'node:fs';
import { expect, vi } from 'vitest';

const OPT_IN = /^\/\/ @parley-engine either\b/m;

function runsOnEitherEngine(testPath: string | undefined): boolean {
  return testPath !== undefined && OPT_IN.test(readFileSync(testPath, 'utf8'));
}

if (process.env.PARLEY_ENGINE === 'engine.io' && runsOnEitherEngine(expect.getState().testPath)) {
  // Registered before the test file is imported, so every import of the binding sees the shim.
  vi.doMock('../../src/engine-binding.js', () => import('./engine-io-shim.js'));
}
