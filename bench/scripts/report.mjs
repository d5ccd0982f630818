/**
 * `node scripts/report.mjs [results/latest.json]`: writes the markdown report of a saved run
 * again (next to its JSON), e.g. after the report's layout or targets changed. The figures are
 * the saved run's own; nothing is measured.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const { renderMarkdown } = await import('../dist/report.js');
const jsonPath = process.argv[2] ?? fileURLToPath(new URL('../results/latest.json', import.meta.url));
const result = JSON.parse(await readFile(jsonPath, 'utf8'));
const markdownPath = jsonPath.replace(/\.json$/, '.md');
await writeFile(markdownPath, renderMarkdown(result));
console.log(`written: ${markdownPath}`);
