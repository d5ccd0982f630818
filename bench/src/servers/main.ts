/**
 * Entry point of one server under test, run as its own process by the orchestrator:
 * `node --expose-gc dist/servers/main.js <socket.io|parley|ws>`, or for one node of a cluster
 * through Redis `… main.js <socket.io|parley> --cluster-key K --nodes N --recovery off|state|crash`
 * (it reports ready only once all N nodes have joined).
 *
 * It listens on an ephemeral loopback port, then sends one message over IPC:
 * `{ type: 'ready', port, pid }` or `{ type: 'failed', reason, message }` (reason
 * `unavailable` when the server package cannot be imported). Afterwards it answers `memory`
 * requests with process.memoryUsage() taken after a full garbage collection.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import { describeError, serveIpc } from '../ipc.js';
import type { MemorySnapshot, ServerKind, ServerStartMessage } from '../types.js';
import { attachChatApp, CHAT_SERVER_OPTIONS, type ChatServerConstructor } from './chat-app.js';
import { type ClusterArgs, clusterServerOptions, parseClusterCommandLine, waitForCluster } from './cluster.js';
import { attachFloorServer } from './floor/index.js';

/** The socket.io-API servers differ only in the module their `Server` comes from. */
const SERVER_MODULES = { 'socket.io': 'socket.io', parley: '@parley/server' } as const;

async function loadServerClass(kind: keyof typeof SERVER_MODULES): Promise<ChatServerConstructor> {
  // A computed specifier: the module is resolved at run time (Parley from its built dist).
  const specifier: string = SERVER_MODULES[kind];
  const module = (await import(specifier)) as { Server?: ChatServerConstructor };
  if (typeof module.Server !== 'function') throw new Error(`${specifier} has no Server export`);
  return module.Server;
}

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run the server with --expose-gc');
  // Twice: the first pass can leave objects that only become unreachable through finalization.
  gc();
  gc();
}

function memorySnapshot(): MemorySnapshot {
  collectGarbage();
  const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
  return { rss, heapUsed, heapTotal, external, arrayBuffers };
}

function listen(httpServer: HttpServer): Promise<number> {
  return new Promise((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => {
      const address = httpServer.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
}

async function start(kind: ServerKind, cluster: ClusterArgs | undefined): Promise<ServerStartMessage> {
  const httpServer = createServer();
  if (kind === 'ws') {
    if (cluster) throw new Error('the ws floor runs as a single process only');
    attachFloorServer(httpServer);
    return { type: 'ready', port: await listen(httpServer), pid: process.pid };
  }
  let ServerClass: ChatServerConstructor;
  try {
    ServerClass = await loadServerClass(kind);
  } catch (error) {
    return { type: 'failed', reason: 'unavailable', message: describeError(error) };
  }
  const options = cluster ? await clusterServerOptions(kind, cluster) : { ...CHAT_SERVER_OPTIONS };
  const io = new ServerClass(httpServer, options);
  attachChatApp(io);
  const port = await listen(httpServer);
  if (cluster) await waitForCluster(io, cluster.nodes);
  return { type: 'ready', port, pid: process.pid };
}

const kind = process.argv[2];
if (kind !== 'socket.io' && kind !== 'parley' && kind !== 'ws') {
  console.error(`usage: main.js <socket.io|parley|ws> (got ${kind})`);
  process.exit(2);
}
serveIpc({ memory: () => memorySnapshot() });
// A clean exit on SIGTERM lets `--cpu-prof` and similar options write their output.
process.on('SIGTERM', () => process.exit(0));
const message = await Promise.resolve()
  .then(() => start(kind, parseClusterCommandLine(process.argv.slice(3))))
  .catch((error: unknown): ServerStartMessage => ({ type: 'failed', reason: 'error', message: describeError(error) }));
process.send?.(message);
