/**
 * `npm run bench [-- --quick --reps 5 --duration 10 --servers socket.io,parley --workloads echo]`
 * Runs the suite, prints the markdown table and writes results/latest.json and latest.md.
 */
import { join } from 'node:path';
import { ConfigError, configFromCommandLine } from './config.js';
import { RESULTS_DIR } from './paths.js';
import { renderMarkdown } from './report.js';
import { runSuite } from './suite.js';
import { readFlags, writeResults } from './tool-main.js';

async function main(): Promise<number> {
  const config = readFlags('bench', (argv) => configFromCommandLine(argv, process.env), ConfigError);
  if (!config) return 2;
  const log = (line: string) => console.log(line);
  log(
    `bench: ${config.scale} scale, ${config.repetitions} repetition(s), servers ${config.servers.join(', ')}, ` +
      `workloads ${config.workloads.map((spec) => spec.id).join(', ')}`,
  );
  const result = await runSuite(config, log);
  const markdown = renderMarkdown(result);
  const outDir = config.outDir ?? RESULTS_DIR;
  await writeResults(outDir, 'latest', result, markdown);
  log('');
  log(markdown);
  log(`written: ${join(outDir, 'latest.md')} and latest.json`);
  return result.runs.some((run) => !run.error) ? 0 : 1;
}

process.exitCode = await main();
