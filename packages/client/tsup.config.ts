import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.library.config.js';

// Two builds into one dist/. The ESM build compiles the sources as they are. The CommonJS build
// compiles src/index.cjs.ts, whose only export is a default: with cjsInterop it becomes
// `module.exports` (the `io` function carrying every named export, so that
// `require('@parley/client')(url)` works as with socket.io-client) and `export =` in index.d.cts.
// Each build cleans only its own files, since they run side by side. The browser bundles
// (dist/bundle) come from scripts/bundle.mjs, run after this.
const shared = { ...libraryBuild('anywhere'), dts: true } as const;

export default defineConfig([
  { ...shared, entry: { index: 'src/index.ts' }, format: ['esm'], clean: ['*.js', '*.js.map', '*.d.ts'] },
  {
    ...shared,
    entry: { index: 'src/index.cjs.ts' },
    format: ['cjs'],
    cjsInterop: true,
    splitting: true,
    clean: ['*.cjs', '*.cjs.map', '*.d.cts'],
  },
]);
