import { defineConfig } from 'tsup';

// The app runs from dist/ next to public/ and data/; its packages stay in node_modules, unbundled.
export default defineConfig({
  entry: ['src/main.ts'],
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  outDir: 'dist',
  clean: true,
  sourcemap: true,
  skipNodeModulesBundle: true,
});
