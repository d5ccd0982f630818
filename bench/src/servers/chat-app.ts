/**
 * The application every server under test runs, written once against the socket.io API so
 * that socket.io and Parley execute exactly the same code: the classic chat broadcast plus an
 * acknowledged echo.
 */
import type { Server as HttpServer } from 'node:http';

export interface ChatSocket {
  on(event: string, listener: (...args: never[]) => void): unknown;
}

export interface ChatServer {
  on(event: 'connection', listener: (socket: ChatSocket) => void): unknown;
  emit(event: string, ...args: unknown[]): unknown;
  close(callback?: (error?: Error) => void): unknown;
}

export type ChatServerConstructor = new (httpServer: HttpServer, options: Record<string, unknown>) => ChatServer;

/** Identical for both socket.io-API servers: no client bundle, no per-message deflate. */
export const CHAT_SERVER_OPTIONS: Readonly<Record<string, unknown>> = {
  serveClient: false,
  perMessageDeflate: false,
};

export function attachChatApp(io: ChatServer): void {
  io.on('connection', (socket) => {
    socket.on('chat message', (message: unknown) => {
      io.emit('chat message', message);
    });
    socket.on('echo', (arg: unknown, ack: unknown) => {
      if (typeof ack === 'function') ack(arg);
    });
  });
}
