/**
 * A throwaway multi-shard Redis Cluster for tests: `masters` redis-server processes on free
 * loopback ports, joined with `redis-cli --cluster create`, stopped and deleted by `stop()`.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createCluster } from '@redis/client';
import { until } from '../../server/test/support/wait.js';
import { freePort } from './helpers.js';

const run = promisify(execFile);

export class ThrowawayRedisCluster {
  readonly ports: number[] = [];
  readonly #processes: ChildProcess[] = [];
  readonly #dir = mkdtempSync(join(tmpdir(), 'parley-redis-cluster-'));

  /** Starts the servers, creates the cluster and waits until every node reports it healthy. */
  async start(masters = 3): Promise<void> {
    for (let i = 0; i < masters; i++) {
      // The bus port gets its own free port: the default (port + 10000) may be out of range.
      const [port, busPort] = [await freePort(), await freePort()];
      const child = spawn(
        'redis-server',
        [
          ...['--port', String(port), '--cluster-port', String(busPort), '--bind', '127.0.0.1'],
          ...['--cluster-enabled', 'yes', '--cluster-config-file', join(this.#dir, `nodes-${port}.conf`)],
          ...['--dir', this.#dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
        ],
        { stdio: 'ignore' },
      );
      this.ports.push(port);
      this.#processes.push(child);
    }
    await until(async () => (await Promise.all(this.ports.map((p) => this.#ping(p)))).every(Boolean), 10_000, 'redis');
    const addresses = this.ports.map((port) => `127.0.0.1:${port}`);
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'], {
      timeout: 15_000,
    });
    await until(
      async () => (await Promise.all(this.ports.map((p) => this.#healthy(p)))).every(Boolean),
      15_000,
      'cluster_state:ok on every node',
    );
  }

  /** A connected node-redis cluster client (RESP3 unless REDIS_RESP=2). */
  async client() {
    const cluster = createCluster({
      rootNodes: this.ports.map((port) => ({ url: `redis://127.0.0.1:${port}` })),
      RESP: process.env.REDIS_RESP === '2' ? 2 : 3,
    });
    cluster.on('error', () => {});
    await cluster.connect();
    return cluster;
  }

  /** Kills every server and deletes their files. */
  async stop(): Promise<void> {
    await Promise.all(
      this.#processes.map((child) => {
        if (child.exitCode !== null || child.signalCode !== null) return undefined;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        return exited;
      }),
    );
    rmSync(this.#dir, { recursive: true, force: true });
  }

  async #ping(port: number): Promise<boolean> {
    return this.#cli(port, ['PING']).then((out) => out.trim() === 'PONG');
  }

  async #healthy(port: number): Promise<boolean> {
    return this.#cli(port, ['CLUSTER', 'INFO']).then((out) => out.includes('cluster_state:ok'));
  }

  #cli(port: number, args: string[]): Promise<string> {
    return run('redis-cli', ['-p', String(port), ...args], { timeout: 5000 }).then(
      ({ stdout }) => stdout,
      () => '',
    );
  }
}
