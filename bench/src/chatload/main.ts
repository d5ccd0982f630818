/**
 * `npm run chat-load -w @parley/bench [-- --quick --stores sqlite --users 400 --rooms 20 --rate 400]`
 * Runs the chat under load (see options.ts) and writes results/chat-load.md and chat-load.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../config.js';
import { RESULTS_DIR } from '../paths.js';
import { type ChatLoadOptions, chatLoadOptionsFromArgs } from './options.js';
import { renderChatLoadMarkdown } from './report.js';
import { runChatLoad } from './run.js';

async function main(): Promise<number> {
  let options: ChatLoadOptions;
  try {
    options = chatLoadOptionsFromArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof ConfigError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`chat-load: ${(error as Error).message}`);
      return 2;
    }
    throw error;
  }
  const log = (line: string) => console.log(line);
  log(
    `chat-load: ${options.scale} scale, stores ${options.stores.join(', ')}, ${options.users} users, ` +
      `${options.rooms} rooms, ${options.ratePerSec} messages/s`,
  );
  const result = await runChatLoad(options, log);
  const markdown = renderChatLoadMarkdown(result);
  const outDir = options.outDir ?? RESULTS_DIR;
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'chat-load.json'), `${JSON.stringify(result, null, 2)}\n`);
  await writeFile(join(outDir, 'chat-load.md'), markdown);
  log('');
  log(markdown);
  log(`written: ${join(outDir, 'chat-load.md')} and chat-load.json`);
  return result.records.some((record) => record.error) || result.records.length === 0 ? 1 : 0;
}

process.exitCode = await main();
