/**
 * Nodes as child processes (fixtures/recovery-node.ts, bundled with esbuild so the workspace
 * packages run from source) behind a round-robin TCP balancer: what a rolling deploy or a crash
 * looks like to WebSocket clients.
 */
import { type ChildProcess, fork } from 'node:child_process';
import fs from 'node:fs';
import { createServer, type Server as NetServer, Socket as NetSocket } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { bundleForNode } from '../../server/test/support/bundle-for-node.js';
import { waitFor } from '../../server/test/support/wait.js';
import { REDIS_URL } from './helpers.js';
import { listenOnLoopback, OpenSockets } from './open-sockets.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));

/** Bundles the node fixture once per test file; returns its path (remove it with `fs.rmSync`). */
export async function bundleNode(): Promise<string> {
  const outfile = path.join(HERE, '.test-build', `recovery-node-${process.pid}.mjs`);
  return bundleForNode(path.join(HERE, 'fixtures', 'recovery-node.ts'), outfile);
}

/**
 * The node fixture, bundled before the file's tests and removed after them: call at the top of a
 * test file; the returned function gives the bundle's path once it is built.
 */
export function useNodeBundle(): () => string {
  let bundle: string | undefined;
  beforeAll(async () => {
    bundle = await bundleNode();
  }, 30_000);
  afterAll(() => removeBundle(bundle));
  return () => {
    if (bundle === undefined) throw new Error('the node bundle is built in beforeAll');
    return bundle;
  };
}

export class NodeProcess {
  readonly child: ChildProcess;
  port = 0;
  /** The routing tag of its session ids (nodes started with `route`). */
  tag: string | undefined;

  private constructor(child: ChildProcess) {
    this.child = child;
  }

  static async start(bundle: string, key: string, crashRecovery: boolean, route = false): Promise<NodeProcess> {
    const child = fork(bundle, {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: {
        ...process.env,
        REDIS_URL,
        PARLEY_KEY: key,
        PARLEY_CRASH_RECOVERY: crashRecovery ? '1' : '0',
        PARLEY_ROUTE: route ? '1' : '0',
      },
    });
    const node = new NodeProcess(child);
    const [message] = (await waitFor(child, 'message', 20_000)) as [{ port: number; tag?: string }];
    node.port = message.port;
    node.tag = message.tag;
    return node;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Sends `signal` and waits for the process to exit. */
  async stop(signal: 'SIGTERM' | 'SIGKILL', timeoutMs = 15_000): Promise<void> {
    if (!this.alive) return;
    const exited = waitFor(this.child, 'exit', timeoutMs);
    this.child.kill(signal);
    await exited;
  }

  /** Asks the node to drain (see `drain`), after which it closes and exits; waits for the exit. */
  async drain(jitterMs: number, timeoutMs = 20_000): Promise<void> {
    const exited = waitFor(this.child, 'exit', timeoutMs);
    this.send({ op: 'drain', jitterMs });
    await exited;
  }

  send(message: object): void {
    this.child.send(message);
  }
}

/**
 * A TCP balancer: each new connection goes to the next backend in turn, skipping the ones that
 * refuse it (a node being restarted). Backends can be replaced while it runs.
 */
export class RoundRobinBalancer {
  readonly backends: number[];
  #next = 0;
  readonly #server: NetServer;
  readonly #sockets = new OpenSockets();

  constructor(backends: number[]) {
    this.backends = backends;
    this.#server = createServer((socket) => this.#route(socket, this.backends.length));
  }

  listen(): Promise<number> {
    return listenOnLoopback(this.#server);
  }

  close(): Promise<void> {
    return this.#sockets.closeServer(this.#server);
  }

  #route(client: NetSocket, triesLeft: number): void {
    this.#sockets.track(client);
    if (triesLeft === 0) {
      client.destroy();
      return;
    }
    const port = this.backends[this.#next++ % this.backends.length];
    const upstream = new NetSocket();
    const refused = () => this.#route(client, triesLeft - 1);
    upstream.once('error', refused);
    upstream.connect(port, '127.0.0.1', () => {
      upstream.off('error', refused);
      this.#sockets.track(upstream);
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.on('close', () => upstream.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
    });
  }
}

export function removeBundle(bundle: string | undefined): void {
  if (bundle === undefined) return;
  fs.rmSync(bundle, { force: true });
  // The folder goes too once no other test file's bundle is in it.
  if (fs.readdirSync(path.dirname(bundle)).length === 0)
    fs.rmSync(path.dirname(bundle), { recursive: true, force: true });
}
