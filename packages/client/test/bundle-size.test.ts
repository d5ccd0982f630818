/** The browser bundles build, keep `ws` out, and the IIFE stays within its gzip budget (9 KB + 384 bytes). */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const packageDir = resolve(import.meta.dirname, '..');

describe('browser bundle', () => {
  let outdir: string | undefined;
  afterAll(() => (outdir ? rm(outdir, { recursive: true, force: true }) : undefined));

  it('is at most 9 KB + 384 bytes gzip, minified', async () => {
    outdir = await mkdtemp(join(tmpdir(), 'parley-bundle-'));
    const { stdout } = await run(process.execPath, ['scripts/check-size.mjs', '--build', '--outdir', outdir], {
      cwd: packageDir,
    });
    const size = Number(/(\d+) bytes gzip/.exec(stdout)?.[1]);
    expect(size).toBeGreaterThan(1000);
    expect(size).toBeLessThanOrEqual(9 * 1024 + 384);
    const iife = await readFile(join(outdir, 'socket.io.js'), 'utf8');
    expect(iife).not.toMatch(/from ["']ws["']|require\(["']ws["']\)/);
    for (const file of ['socket.io.min.js', 'socket.io.esm.min.js', 'socket.io.msgpack.min.js']) {
      expect(await readFile(join(outdir, file), 'utf8')).toMatch(/sourceMappingURL=/);
      expect((await readFile(join(outdir, `${file}.map`), 'utf8')).length).toBeGreaterThan(1000);
    }
  });
});
