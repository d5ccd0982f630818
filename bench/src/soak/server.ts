/**
 * The server of a soak run, alone in its own process so that its RSS is its own:
 * `node --expose-gc dist/soak/server.js <parley|socket.io>`.
 *
 * The bench chat application (broadcast `chat message`, acknowledged `echo`) plus rooms: a
 * client sends `join` with a room name, and `room` with `{ room, … }` broadcasts that object to
 * the room. Rooms matter for a soak: every disconnect must leave the adapter's room maps, and a
 * leak there grows with churn. It answers `sample` requests over IPC with its memory after a
 * full garbage collection (so heap figures show what is retained, not what awaits collection)
 * and its connection counts.
 */
import { createServer } from 'node:http';
import { describeError, serveIpc } from '../ipc.js';
import { attachChatApp, CHAT_SERVER_OPTIONS, type ChatServer, type ChatSocket } from '../servers/chat-app.js';
import type { ServerStartMessage } from '../types.js';
import type { SoakServerKind } from './options.js';

/** What a soak sample reads from the server. */
export interface ServerSample {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  /** Socket.IO connections since start (churn shows as opened > clients). */
  opened: number;
  /** Socket.IO connections open now. */
  connected: number;
  /** Engine.IO sessions open now. */
  engineSessions: number;
}

/** The part of the socket.io API the soak application uses beyond the chat app's. */
interface SoakIo extends ChatServer {
  to(room: string): { emit(event: string, ...args: unknown[]): unknown };
  engine: { clientsCount: number };
}

interface SoakSocket extends ChatSocket {
  join(room: string): unknown;
}

const MODULES: Record<SoakServerKind, string> = { parley: '@parley/server', 'socket.io': 'socket.io' };

const counts = { opened: 0, connected: 0 };

function attachRooms(io: SoakIo): void {
  io.on('connection', (socket) => {
    const roomSocket = socket as SoakSocket;
    counts.opened++;
    counts.connected++;
    roomSocket.on('disconnect', () => {
      counts.connected--;
    });
    roomSocket.on('join', (room: unknown) => {
      if (typeof room === 'string' && room.length <= 64) roomSocket.join(room);
    });
    roomSocket.on('room', (message: unknown) => {
      const room = (message as { room?: unknown } | null)?.room;
      if (typeof room === 'string') io.to(room).emit('room', message);
    });
  });
}

function sample(io: SoakIo): ServerSample {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run the soak server with --expose-gc');
  gc();
  gc();
  const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
  return { rss, heapUsed, heapTotal, external, ...counts, engineSessions: io.engine.clientsCount };
}

async function start(kind: SoakServerKind): Promise<{ io: SoakIo; message: ServerStartMessage }> {
  const specifier: string = MODULES[kind];
  const module = (await import(specifier)) as { Server: new (http: unknown, options: object) => SoakIo };
  const httpServer = createServer();
  const io = new module.Server(httpServer, { ...CHAT_SERVER_OPTIONS });
  attachChatApp(io);
  attachRooms(io);
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, resolve);
  });
  const address = httpServer.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { io, message: { type: 'ready', port, pid: process.pid } };
}

const kind = process.argv[2];
if (kind !== 'parley' && kind !== 'socket.io') {
  console.error(`usage: soak/server.js <parley|socket.io> (got ${kind})`);
  process.exit(2);
}
let started: SoakIo | undefined;
serveIpc({
  sample: () => {
    if (!started) throw new Error('not listening yet');
    return sample(started);
  },
});
try {
  const { io, message } = await start(kind);
  started = io;
  process.send?.(message);
} catch (error) {
  process.send?.({ type: 'failed', reason: 'error', message: describeError(error) } satisfies ServerStartMessage);
}
