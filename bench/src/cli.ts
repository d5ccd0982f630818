/**
 * `npm run bench [-- --quick --reps 5 --duration 10 --servers socket.io,parley --workloads echo]`
 * Runs the suite, prints the markdown table and writes results/latest.json and latest.md.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, configFromCommandLine } from './config.js';
import { RESULTS_DIR } from './paths.js';
import { renderMarkdown } from './report.js';
import { runSuite } from './suite.js';

async function main(): Promise<number> {
  let config: ReturnType<typeof configFromCommandLine>;
  try {
    config = configFromCommandLine(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof ConfigError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`bench: ${(error as Error).message}`);
      return 2;
    }
    throw error;
  }
  const log = (line: string) => console.log(line);
  log(
    `bench: ${config.scale} scale, ${config.repetitions} repetition(s), servers ${config.servers.join(', ')}, ` +
      `workloads ${config.workloads.map((spec) => spec.id).join(', ')}`,
  );
  const result = await runSuite(config, log);
  const markdown = renderMarkdown(result);
  const outDir = config.outDir ?? RESULTS_DIR;
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
  await writeFile(join(outDir, 'latest.md'), markdown);
  log('');
  log(markdown);
  log(`written: ${join(outDir, 'latest.md')} and latest.json`);
  return result.runs.some((run) => !run.error) ? 0 : 1;
}

process.exitCode = await main();
