/**
 * `node bench/scripts/soak.mjs [--connections 10000 --seconds 120 --max-slope 5 …]` (flags in
 * options.ts). Runs one soak, prints the report, and exits 1 when the server's RSS grew faster
 * than --max-slope over the second half of the run, 2 on bad flags or an open-file limit too low.
 * Not part of CI: it takes minutes and most of a machine.
 */
import { readFlags } from '../tool-main.js';
import { SoakConfigError, soakOptionsFromArgs } from './options.js';
import { renderSoakReport } from './report.js';
import { runSoak, SoakFileLimitError } from './run.js';

async function main(): Promise<number> {
  const options = readFlags('soak', soakOptionsFromArgs, SoakConfigError);
  if (!options) return 2;
  try {
    const report = await runSoak(options, (line) => console.log(`soak: ${line}`));
    console.log('');
    console.log(renderSoakReport(report));
    return report.passed ? 0 : 1;
  } catch (error) {
    if (error instanceof SoakFileLimitError) {
      console.error(`soak: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

process.exitCode = await main();
