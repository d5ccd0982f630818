/**
 * The real chat (`apps/chat`, built: dist/main.js) as a child process, on SQLite in a temporary
 * file or on PostgreSQL in a fresh schema that is dropped afterwards. Optionally CPU-profiled:
 * it is stopped with SIGTERM, exits cleanly, and Node writes the profile on the way out.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { BenchError } from '../errors.js';
import { BENCH_ROOT } from '../paths.js';
import type { ChatStoreKind } from './options.js';

export const CHAT_ENTRY = resolve(BENCH_ROOT, '..', 'apps', 'chat', 'dist', 'main.js');

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;
const READY = /Parley chat is running at (http:\/\/\S+)/;

export class ChatServerError extends BenchError<'CHAT_SERVER'> {
  constructor(message: string) {
    super('CHAT_SERVER', message);
  }
}

export interface ChatServerOptions {
  store: ChatStoreKind;
  databaseUrl: string;
  /** Core to pin the chat to with taskset, or undefined. */
  core: number | undefined;
  profile: boolean;
  /** The chat build to run (default CHAT_ENTRY). */
  entry?: string;
}

export class ChatServer {
  readonly url: string;
  readonly pid: number;
  readonly #child: ChildProcess;
  readonly #workDir: string;
  readonly #schema: string | undefined;
  readonly #databaseUrl: string;
  #output: string;

  private constructor(child: ChildProcess, url: string, workDir: string, options: ChatServerOptions, schema?: string) {
    this.#child = child;
    this.url = url;
    this.pid = child.pid ?? 0;
    this.#workDir = workDir;
    this.#schema = schema;
    this.#databaseUrl = options.databaseUrl;
    this.#output = '';
    child.stdout?.on('data', (chunk: Buffer) => this.#keep(chunk));
    child.stderr?.on('data', (chunk: Buffer) => this.#keep(chunk));
  }

  static async start(options: ChatServerOptions): Promise<ChatServer> {
    const entry = options.entry ?? CHAT_ENTRY;
    if (!existsSync(entry)) {
      throw new ChatServerError(`${entry} is missing: build the chat first (npm run build -w @parley/chat)`);
    }
    const workDir = mkdtempSync(join(tmpdir(), 'parley-chat-load-'));
    const schema = options.store === 'postgres' ? `bench_chat_${process.pid}_${Date.now()}` : undefined;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      CHAT_DB: join(workDir, 'chat.db'),
      DATABASE_URL: schema ? options.databaseUrl : '',
      DATABASE_SCHEMA: schema ?? '',
      REDIS_URL: '',
      METRICS_TOKEN: '',
    };
    const nodeArgs = options.profile ? ['--cpu-prof', `--cpu-prof-dir=${join(workDir, 'profile')}`] : [];
    let command = [process.execPath, ...nodeArgs, entry];
    if (options.core !== undefined) command = ['taskset', '-c', String(options.core), ...command];
    const child = spawn(command[0], command.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    try {
      const url = await new Promise<string>((resolveUrl, reject) => {
        const timer = setTimeout(
          () => reject(new ChatServerError(`the chat did not start within ${START_TIMEOUT_MS} ms:\n${output}`)),
          START_TIMEOUT_MS,
        );
        const onData = (chunk: Buffer) => {
          output += chunk.toString();
          const match = READY.exec(output);
          if (match) {
            clearTimeout(timer);
            resolveUrl(match[1]);
          }
        };
        child.stdout?.on('data', onData);
        child.stderr?.on('data', onData);
        child.once('exit', (code, signal) => {
          clearTimeout(timer);
          reject(new ChatServerError(`the chat exited while starting (${signal ?? `code ${code}`}):\n${output}`));
        });
      });
      child.stdout?.removeAllListeners('data');
      child.stderr?.removeAllListeners('data');
      const server = new ChatServer(child, url, workDir, options, schema);
      server.#output = output;
      return server;
    } catch (error) {
      child.kill('SIGKILL');
      await dropSchema(options.databaseUrl, schema);
      rmSync(workDir, { recursive: true, force: true });
      throw error;
    }
  }

  /** The last few kilobytes the chat printed (errors it logged under load show here). */
  get output(): string {
    return this.#output;
  }

  #keep(chunk: Buffer): void {
    this.#output = (this.#output + chunk.toString()).slice(-8192);
  }

  /**
   * Stops the chat with SIGTERM (a clean exit that writes the CPU profile) and returns the
   * profile's path, if one was written; the working files and the schema go afterwards via dispose().
   */
  async stop(): Promise<string | undefined> {
    const child = this.#child;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
    const dir = join(this.#workDir, 'profile');
    if (!existsSync(dir)) return undefined;
    const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
    return file === undefined ? undefined : join(dir, file);
  }

  /** Removes the SQLite file or the PostgreSQL schema, and the profile. */
  async dispose(): Promise<void> {
    await dropSchema(this.#databaseUrl, this.#schema);
    rmSync(this.#workDir, { recursive: true, force: true });
  }
}

async function dropSchema(databaseUrl: string, schema: string | undefined): Promise<void> {
  if (schema === undefined) return;
  const client = new pg.Client({ connectionString: databaseUrl });
  try {
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Where PostgreSQL is tried when no URL is given: trust authentication as `postgres` or as `root`. */
export const POSTGRES_CANDIDATES = ['postgres://postgres@127.0.0.1:5432/test', 'postgres://root@127.0.0.1:5432/test'];

/** The first URL at which PostgreSQL answers, or the reasons none did (the load then skips it). */
export async function findPostgres(urls: readonly string[]): Promise<{ url: string } | { error: string }> {
  const errors: string[] = [];
  for (const url of urls) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('SELECT 1');
      return { url };
    } catch (error) {
      errors.push(`${url}: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      await client.end().catch(() => {});
    }
  }
  return { error: errors.join('; ') };
}
