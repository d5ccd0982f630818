/**
 * The safety net under UPLOAD_DIR: erases files that no stored row points at. The store's row is
 * the truth (file-storage.ts), so such a file can only be left by a crash between a committed
 * deletion and its erase, by an upload whose commit failed, or by a write cut short (`<id>.partial`).
 * Nothing else would ever remove them.
 *
 * Only files last written over `minAgeMs` ago are touched: a node writes an upload's bytes before it
 * commits the row that points at them, so a young file without a row may be an upload in flight on
 * any node sharing the directory. Names that are not file ids are never touched.
 */
import type { Dirent } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ChatStore } from '../store/index.js';
import { FILE_ID } from './file-storage.js';

/** How old an unreferenced file must be before it is erased: far longer than any upload's commit. */
export const ORPHAN_MIN_AGE_MS = 60 * 60_000;
/** How often a running node sweeps again (it always sweeps once at start). */
export const SWEEP_EVERY_MS = 60 * 60_000;
/** Files looked at (stat, one store query, erase) per step; the directory is read as a stream. */
const FILES_PER_STEP = 500;
const PARTIAL = '.partial';

export interface OrphanSweepOptions {
  dir: string;
  store: Pick<ChatStore, 'existingFileIds'>;
  /** Default ORPHAN_MIN_AGE_MS. */
  minAgeMs?: number;
  /** Default SWEEP_EVERY_MS. */
  everyMs?: number;
}

export interface OrphanSweeper {
  /** Stops the timer, and waits for a sweep under way to stop at its next step. */
  stop(): Promise<void>;
}

/**
 * Sweeps `dir` now (logging the count), then every `everyMs` on a timer that never keeps the
 * process alive; a sweep still running when the next is due makes that one skip.
 */
export function startOrphanSweep(options: OrphanSweepOptions): OrphanSweeper {
  const dir = path.resolve(options.dir);
  const minAgeMs = options.minAgeMs ?? ORPHAN_MIN_AGE_MS;
  let stopped = false;
  let running: Promise<void> | undefined;
  const run = (atStart: boolean): void => {
    if (running || stopped) return;
    running = sweepOrphanFiles(dir, options.store, Date.now() - minAgeMs, () => stopped)
      .then(
        (erased) => {
          // At start always (the operator sees the sweep works); later only when it found something.
          if (atStart || erased > 0) console.log(`uploads: ${describe(erased, dir, minAgeMs)}`);
        },
        (err: unknown) => {
          if (!stopped) console.warn(`uploads: the sweep of ${dir} for orphan files failed:`, err);
        },
      )
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(() => run(false), options.everyMs ?? SWEEP_EVERY_MS);
  timer.unref();
  run(true);
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

/**
 * Erases the files in `dir` named by a file id that no stored row has (and the `<id>.partial` left
 * by an interrupted write), last modified before `writtenBefore`; returns how many it erased.
 */
export async function sweepOrphanFiles(
  dir: string,
  store: Pick<ChatStore, 'existingFileIds'>,
  writtenBefore: number,
  stopped: () => boolean = () => false,
): Promise<number> {
  let entries: AsyncIterable<Dirent>;
  try {
    entries = await fs.opendir(dir);
  } catch (err) {
    // No upload was ever kept there yet (the directory is created by the first one).
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  let erased = 0;
  let names: string[] = [];
  for await (const entry of entries) {
    if (entry.isFile() && idOf(entry.name) !== null) names.push(entry.name);
    if (names.length === FILES_PER_STEP) {
      if (stopped()) return erased;
      erased += await sweepStep(dir, names, store, writtenBefore);
      names = [];
    }
  }
  if (names.length > 0 && !stopped()) erased += await sweepStep(dir, names, store, writtenBefore);
  return erased;
}

async function sweepStep(
  dir: string,
  names: string[],
  store: Pick<ChatStore, 'existingFileIds'>,
  writtenBefore: number,
): Promise<number> {
  const old = (
    await Promise.all(
      names.map(async (name) => {
        const stat = await fs.lstat(path.join(dir, name)).catch(() => null);
        return stat?.isFile() && stat.mtimeMs < writtenBefore ? name : null;
      }),
    )
  ).filter((name) => name !== null);
  if (old.length === 0) return 0;
  // Asked after the age check: a row committed before this query is seen, and an old file gets no
  // new row (rows are committed right after their bytes are written).
  const kept = await store.existingFileIds(old.filter((name) => !name.endsWith(PARTIAL)));
  const orphans = old.filter((name) => !kept.has(name));
  const results = await Promise.all(orphans.map((name) => eraseFile(path.join(dir, name))));
  return results.filter(Boolean).length;
}

/** The file id a name stands for (`<id>` or `<id>.partial`), or null for any other name. */
function idOf(name: string): string | null {
  const id = name.endsWith(PARTIAL) ? name.slice(0, -PARTIAL.length) : name;
  return FILE_ID.test(id) ? id : null;
}

async function eraseFile(file: string): Promise<boolean> {
  try {
    await fs.unlink(file);
    return true;
  } catch (err) {
    // Another node's sweep, or the message's own deletion, got there first.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    console.warn(`uploads: could not erase the orphan file ${file}:`, err);
    return false;
  }
}

function describe(erased: number, dir: string, minAgeMs: number): string {
  const files = erased === 1 ? '1 orphan file' : `${erased} orphan files`;
  return `swept ${files} from ${dir} (no message points at ${erased === 1 ? 'it' : 'them'}; written over ${age(minAgeMs)} ago)`;
}

function age(ms: number): string {
  const [amount, unit] =
    ms % 3_600_000 === 0
      ? [ms / 3_600_000, 'hour']
      : ms % 60_000 === 0
        ? [ms / 60_000, 'minute']
        : [Math.round(ms / 1000), 'second'];
  return `${amount} ${unit}${amount === 1 ? '' : 's'}`;
}
