/**
 * The open-file limit of this process. Node raises its soft limit to the hard limit when it
 * starts, and a shell spawned from here inherits both, so the soft figure it reports is what
 * this process (and the server it spawns) can really open. Past that, only the shell that starts
 * Node can help (`ulimit -n` acts on the shell's own process), and only up to the hard limit.
 */
import { spawnSync } from 'node:child_process';

export interface FileLimits {
  soft: number;
  hard: number;
}

function parseLimit(text: string | undefined): number {
  if (text === 'unlimited') return Number.POSITIVE_INFINITY;
  const value = Number(text);
  // Unreadable: assume the limit is no obstacle rather than refuse to run.
  return Number.isFinite(value) && value > 0 ? value : Number.POSITIVE_INFINITY;
}

export function readFileLimits(): FileLimits {
  const result = spawnSync('sh', ['-c', 'ulimit -Sn; ulimit -Hn'], { encoding: 'utf8' });
  const [soft, hard] = result.status === 0 ? result.stdout.trim().split('\n') : [];
  return { soft: parseLimit(soft), hard: parseLimit(hard) };
}
