import { defineConfig } from 'vitest/config';

// Tests import workspace packages from their TypeScript source (the `@parley/source`
// export condition), so a change is tested without rebuilding the package first.
export default defineConfig({
  resolve: { conditions: ['@parley/source'] },
  ssr: { resolve: { conditions: ['@parley/source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'bench/test/**/*.test.ts'],
    // Under PARLEY_ENGINE=engine.io, the server suites that opt in run on the official engine.io.
    setupFiles: ['packages/server/test/support/engine-choice.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
  },
});
