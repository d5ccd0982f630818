/**
 * What the bench's command-line tools (the suite, chat-load, scaling, soak) do alike around
 * their run: read the flags, and write the results next to their report.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * Parses the flags with `parse`. A bad flag (a `configError` thrown by `parse`, or one of
 * parseArgs's own ERR_PARSE_ARGS_* errors) is printed as `<tool>: <message>` and gives
 * undefined: the tool then exits with status 2. Anything else is a bug and is thrown.
 */
export function readFlags<T>(tool: string, parse: (argv: string[]) => T, configError: ErrorClass): T | undefined {
  try {
    return parse(process.argv.slice(2));
  } catch (error) {
    if (error instanceof configError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`${tool}: ${(error as Error).message}`);
      return undefined;
    }
    throw error;
  }
}

/** Writes `<name>.json` (the result) and `<name>.md` (its report) into `outDir`, made if missing. */
export async function writeResults(outDir: string, name: string, result: unknown, markdown: string): Promise<void> {
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
  await writeFile(join(outDir, `${name}.md`), markdown);
}
