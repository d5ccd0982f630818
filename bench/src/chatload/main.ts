/**
 * `npm run chat-load -w @parley/bench [-- --quick --stores sqlite --users 400 --rooms 20 --rate 400]`
 * Runs the chat under load (see options.ts) and writes results/chat-load.md and chat-load.json.
 */
import { join } from 'node:path';
import { ConfigError } from '../config.js';
import { RESULTS_DIR } from '../paths.js';
import { readFlags, writeResults } from '../tool-main.js';
import { chatLoadOptionsFromArgs } from './options.js';
import { renderChatLoadMarkdown } from './report.js';
import { runChatLoad } from './run.js';

async function main(): Promise<number> {
  const options = readFlags('chat-load', chatLoadOptionsFromArgs, ConfigError);
  if (!options) return 2;
  const log = (line: string) => console.log(line);
  log(
    `chat-load: ${options.scale} scale, stores ${options.stores.join(', ')}, ${options.users} users, ` +
      `${options.rooms} rooms, ${options.ratePerSec} messages/s`,
  );
  const result = await runChatLoad(options, log);
  const markdown = renderChatLoadMarkdown(result);
  const outDir = options.outDir ?? RESULTS_DIR;
  await writeResults(outDir, 'chat-load', result, markdown);
  log('');
  log(markdown);
  log(`written: ${join(outDir, 'chat-load.md')} and chat-load.json`);
  return result.records.some((record) => record.error) || result.records.length === 0 ? 1 : 0;
}

process.exitCode = await main();
