/**
 * The server side of the recovery-cost measurement: one Parley server with @parley/redis-adapter
 * (with connection state recovery, crash recovery, or neither), its official socket.io-client
 * clients, and the handful of operations the phases are made of.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdapter } from '@parley/redis-adapter';
import { Server, type Socket } from '@parley/server';
import { createClient } from '@redis/client';
import { type Socket as ClientSocket, io as connectClient } from 'socket.io-client';
import { REDIS_URL } from '../servers/cluster.js';
import type { RecoveryMode } from '../types.js';

export interface CostServerOptions {
  key: string;
  recovery: RecoveryMode;
  heartbeatIntervalMs: number;
}

export interface CostClient {
  /** Emits `event` with `arg` and waits for the server's acknowledgement. */
  request(event: 'join' | 'leave', arg: string): Promise<void>;
  /** Broadcasts this client has received. */
  readonly received: number;
  close(): void;
  /** Drops the WebSocket without a Socket.IO disconnect: a recoverable `transport close`. */
  dropTransport(): void;
}

export interface CostServer {
  /** `ip:port` of the Redis connection that sends the adapter's commands. */
  redisAddresses(): Promise<string[]>;
  /** `ECHO marker` on that connection, to cut the MONITOR feed into phases. */
  echo(marker: string): Promise<unknown>;
  connectClient(): Promise<CostClient>;
  /** `io.emit` once, resolved when every client got it. */
  broadcastToAll(clients: CostClient[], sequence: number): Promise<void>;
  /** Drops a client's connection and waits until the server saw it go. */
  dropClient(client: CostClient): Promise<void>;
  /** MEMORY USAGE of the live-session hash(es) of the run, or null when there is none. */
  liveHashBytes(): Promise<number | null>;
  close(): Promise<void>;
}

const WAIT_MS = 10_000;

function bounded<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${WAIT_MS} ms`)), WAIT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function costClient(socket: ClientSocket): CostClient {
  let received = 0;
  socket.on('news', () => {
    received++;
  });
  return {
    request: (event, arg) => bounded(socket.timeout(WAIT_MS).emitWithAck(event, arg), `${event} acknowledgement`),
    get received() {
      return received;
    },
    close: () => socket.disconnect(),
    dropTransport: () => socket.io.engine.close(),
  };
}

async function until(done: () => boolean, what: string): Promise<void> {
  const deadline = performance.now() + WAIT_MS;
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`${what} did not happen within ${WAIT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

export async function startCostServer(options: CostServerOptions): Promise<CostServer> {
  const pub = createClient({ url: REDIS_URL });
  const sub = pub.duplicate();
  const inspector = pub.duplicate();
  for (const client of [pub, sub, inspector]) client.on('error', (error: Error) => console.error(error.message));
  await Promise.all([pub.connect(), sub.connect(), inspector.connect()]);
  const httpServer = createServer();
  const io = new Server(httpServer, {
    adapter: createAdapter(pub, sub, {
      key: options.key,
      crashRecovery: options.recovery === 'crash',
      heartbeatInterval: options.heartbeatIntervalMs,
      heartbeatTimeout: options.heartbeatIntervalMs * 4,
    }),
    ...(options.recovery !== 'off' && { connectionStateRecovery: { maxDisconnectionDuration: 2 * 60 * 1000 } }),
  });
  let disconnects = 0;
  io.on('connection', (socket: Socket) => {
    socket.on('join', (room: string, ack: () => void) => {
      socket.join(room);
      ack();
    });
    socket.on('leave', (room: string, ack: () => void) => {
      socket.leave(room);
      ack();
    });
    socket.on('disconnect', () => {
      disconnects++;
    });
  });
  httpServer.listen(0, '127.0.0.1');
  await once(httpServer, 'listening');
  const { port } = httpServer.address() as AddressInfo;

  return {
    async redisAddresses() {
      const info = String(await pub.sendCommand(['CLIENT', 'INFO']));
      const addr = /\baddr=(\S+)/.exec(info)?.[1];
      if (!addr) throw new Error(`no addr in CLIENT INFO: ${info}`);
      return [addr];
    },
    echo: (marker) => pub.sendCommand(['ECHO', marker]),
    async connectClient() {
      const socket = connectClient(`http://127.0.0.1:${port}`, {
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
      });
      await bounded(
        new Promise<void>((resolve, reject) => {
          socket.once('connect', resolve);
          socket.once('connect_error', reject);
        }),
        'a client connection',
      );
      return costClient(socket);
    },
    async broadcastToAll(clients, sequence) {
      const before = clients.map((client) => client.received);
      io.emit('news', sequence);
      await until(
        () => clients.every((client, index) => client.received > before[index]),
        'a broadcast reaching every client',
      );
    },
    async dropClient(client) {
      const before = disconnects;
      client.dropTransport();
      await until(() => disconnects > before, 'the server seeing a dropped client');
    },
    async liveHashBytes() {
      let total: number | null = null;
      for await (const keys of inspector.scanIterator({ MATCH: `${options.key}-live#*`, COUNT: 100 })) {
        for (const key of keys) {
          if ((await inspector.type(key)) !== 'hash') continue;
          total = (total ?? 0) + Number(await inspector.sendCommand(['MEMORY', 'USAGE', key, 'SAMPLES', '0']));
        }
      }
      return total;
    },
    async close() {
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await Promise.all([pub.quit(), sub.quit(), inspector.quit()]).catch(() => undefined);
    },
  };
}
