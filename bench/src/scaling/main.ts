/**
 * `npm run scaling -w @parley/bench [-- --quick --counts 1000,5000,10000,20000]`: fan-out and idle
 * memory at several client counts; writes results/scaling.md, scaling.json and scaling.svg.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../config.js';
import { RESULTS_DIR } from '../paths.js';
import { renderScalingMarkdown, renderScalingSvg } from './report.js';
import { runScaling, type ScalingOptions, scalingOptionsFromArgs } from './run.js';

async function main(): Promise<number> {
  let options: ScalingOptions;
  try {
    options = scalingOptionsFromArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof ConfigError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`scaling: ${(error as Error).message}`);
      return 2;
    }
    throw error;
  }
  const log = (line: string) => console.log(line);
  log(`scaling: clients ${options.counts.join(', ')}, servers ${options.servers.join(', ')}`);
  const result = await runScaling(options, log);
  const outDir = options.outDir ?? RESULTS_DIR;
  await mkdir(outDir, { recursive: true });
  const markdown = renderScalingMarkdown(result);
  await writeFile(join(outDir, 'scaling.json'), `${JSON.stringify(result, null, 2)}\n`);
  await writeFile(join(outDir, 'scaling.svg'), renderScalingSvg(result));
  await writeFile(join(outDir, 'scaling.md'), markdown);
  log('');
  log(markdown);
  log(`written: ${join(outDir, 'scaling.md')}, scaling.svg and scaling.json`);
  return result.runs.some((run) => !run.error) ? 0 : 1;
}

process.exitCode = await main();
