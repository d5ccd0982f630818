import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.library.config.js';

// Three builds into one dist/ (emptied beforehand by the package's `prebuild` script, since
// builds run side by side and tsup's `clean` would race between them):
// - ESM: the sources as they are, index and engine entries sharing chunks.
// - CommonJS code: src/index.cjs.ts, whose only export is a default, becomes `module.exports`
//   (the callable factory carrying every named export, so that `require('@parley/server')(srv)`
//   works as with socket.io). Rollup (treeshake) writes the CommonJS chunks without
//   down-levelling the syntax, so `?.` and `??` stay native on hot paths.
// - CommonJS types of that entry: with cjsInterop its default export is declared as `export =`.
const shared = {
  ...libraryBuild('node'),
  // import.meta.url (used to locate the client bundle) needs a shim in CommonJS output.
  shims: true,
  // Classes keep their names (`io.constructor.name === 'Server'`) despite bundling renames.
  keepNames: true,
  clean: false,
} as const;

// Members marked `@internal` (the seams between the package's own modules) stay out of the
// published declarations; socket.io's own `_` members that its typings expose are not marked.
const dtsOptions = { compilerOptions: { stripInternal: true } } as const;

export default defineConfig([
  {
    ...shared,
    entry: { index: 'src/index.ts', engine: 'src/engine/index.ts' },
    format: ['esm'],
    dts: dtsOptions,
  },
  {
    ...shared,
    entry: { index: 'src/index.cjs.ts', engine: 'src/engine/index.ts' },
    format: ['cjs'],
    splitting: true,
    treeshake: true,
    dts: { ...dtsOptions, entry: { engine: 'src/engine/index.ts' } },
  },
  {
    ...shared,
    entry: { index: 'src/index.cjs.ts' },
    format: ['cjs'],
    cjsInterop: true,
    dts: { ...dtsOptions, only: true },
  },
]);
