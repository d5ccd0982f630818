import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForNode } from '../../../packages/server/test/support/bundle-for-node.js';
import { waitFor } from './helpers.js';

const APP_DIR = fileURLToPath(new URL('..', import.meta.url));

/**
 * Bundles src/main.ts, with the workspace packages taken from their TypeScript source, into
 * apps/chat/.test-build/ (beside public/, which the server serves relative to itself). Third-party
 * packages stay external and load from node_modules.
 */
export function buildChatServer(): Promise<string> {
  return bundle(path.join(APP_DIR, 'src', 'main.ts'), 'main');
}

/**
 * Bundles any entry (as buildChatServer does) into apps/chat/.test-build/<name>-<pid>.js; the pid
 * keeps concurrent test runs apart. Remove the file with removeBundle() when done.
 */
export async function bundle(entry: string, name: string): Promise<string> {
  const outfile = path.join(APP_DIR, '.test-build', `${name}-${process.pid}.js`);
  return bundleForNode(entry, outfile);
}

export function removeBundle(file: string): void {
  fs.rmSync(file, { force: true });
}

/** A port that was free a moment ago (the test reuses it across server restarts). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The chat server as a child process, killable with SIGKILL to simulate a crash. */
export class ChatProcess {
  readonly #entry: string;
  readonly #env: NodeJS.ProcessEnv;
  readonly #outputWaiters = new Set<() => void>();
  #child: ChildProcess | undefined;
  output = '';

  constructor(entry: string, env: NodeJS.ProcessEnv) {
    this.#entry = entry;
    this.#env = env;
  }

  get running(): boolean {
    const child = this.#child;
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  }

  /** Starts the server and resolves once it prints its URL. */
  start(timeoutMs = 15_000): Promise<void> {
    const child = spawn(process.execPath, [this.#entry], {
      env: { ...process.env, ...this.#env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    const append = (chunk: Buffer) => {
      this.output += chunk.toString();
      for (const wake of this.#outputWaiters) wake();
    };
    child.stdout?.on('data', append);
    child.stderr?.on('data', append);
    const exited = new Promise<never>((_, reject) => {
      child.once('exit', (code, signal) =>
        reject(new Error(`Chat server exited with ${code ?? signal}:\n${this.output}`)),
      );
    });
    exited.catch(() => {}); // Only a rejection while starting matters.
    return Promise.race([this.waitForOutput('Parley chat is running at', 1, timeoutMs), exited]);
  }

  /** Resolves once `text` has appeared `count` times in the output (bounded by `timeoutMs`). */
  waitForOutput(text: string, count = 1, timeoutMs = 15_000): Promise<void> {
    return waitFor(
      timeoutMs,
      () => `Timed out waiting for ${count} x "${text}" in the output:\n${this.output}`,
      (resolve) => {
        const check = () => {
          if (this.output.split(text).length - 1 >= count) resolve();
        };
        this.#outputWaiters.add(check);
        check();
        return () => this.#outputWaiters.delete(check);
      },
    );
  }

  /** Asks the server to shut down (SIGTERM) and resolves with its exit code (SIGKILL after `timeoutMs`). */
  stop(timeoutMs = 10_000): Promise<number | null> {
    const child = this.#child;
    this.#child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child?.exitCode ?? null);
    return new Promise((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
      child.kill('SIGTERM');
    });
  }

  /** Kills the process without any chance to clean up, as a crash would. */
  kill(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return waitFor(
      10_000,
      () => `The chat server did not exit on SIGKILL:\n${this.output}`,
      (resolve) => {
        const exited = () => resolve();
        child.once('exit', exited);
        child.kill('SIGKILL');
        return () => child.off('exit', exited);
      },
    );
  }
}
