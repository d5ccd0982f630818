/**
 * `npm run scaling -w @parley/bench [-- --quick --counts 1000,5000,10000,20000]`: fan-out and idle
 * memory at several client counts; writes results/scaling.md, scaling.json and scaling.svg.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../config.js';
import { RESULTS_DIR } from '../paths.js';
import { readFlags, writeResults } from '../tool-main.js';
import { renderScalingMarkdown, renderScalingSvg } from './report.js';
import { runScaling, scalingOptionsFromArgs } from './run.js';

async function main(): Promise<number> {
  const options = readFlags('scaling', scalingOptionsFromArgs, ConfigError);
  if (!options) return 2;
  const log = (line: string) => console.log(line);
  log(`scaling: clients ${options.counts.join(', ')}, servers ${options.servers.join(', ')}`);
  const result = await runScaling(options, log);
  const outDir = options.outDir ?? RESULTS_DIR;
  const markdown = renderScalingMarkdown(result);
  await writeResults(outDir, 'scaling', result, markdown);
  await writeFile(join(outDir, 'scaling.svg'), renderScalingSvg(result));
  log('');
  log(markdown);
  log(`written: ${join(outDir, 'scaling.md')}, scaling.svg and scaling.json`);
  return result.runs.some((run) => !run.error) ? 0 : 1;
}

process.exitCode = await main();
