import type { Options } from 'tsup';

// What the library packages' builds share (each package's tsup.config.ts starts from it). A
// package runs either anywhere (browsers and Node: a language level, no platform) or on Node
// only (Node's own modules stay external and `node:` imports resolve).
const runtimes = {
  anywhere: { target: 'es2022' },
  node: { target: 'node20', platform: 'node' },
} as const satisfies Record<string, Options>;

export type LibraryRuntime = keyof typeof runtimes;

/** The options every library build starts from: its runtime's target, and source maps. */
export function libraryBuild(runtime: LibraryRuntime) {
  return { sourcemap: true, ...runtimes[runtime] } as const;
}

/**
 * A library built straight from src/index.ts into ESM and CommonJS side by side, with the
 * declarations of both; `require()` then gets the same named exports as `import`.
 */
export function esmAndCommonJsLibrary(runtime: LibraryRuntime): Options {
  return { ...libraryBuild(runtime), entry: { index: 'src/index.ts' }, format: ['esm', 'cjs'], dts: true, clean: true };
}
