/**
 * Forwards a WebSocket upgrade to the node that owns its session: a TCP connection to the
 * owner, the upgrade request replayed on it, then bytes piped both ways for the life of the
 * WebSocket. The owner's answer (a 101, or its refusal) reaches the client unchanged.
 */
import type { IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { RedisAdapterError } from '../errors.js';
import type { HttpTarget } from './forward-http.js';

export interface ForwardUpgradeOptions {
  connectTimeoutMs: number;
  /** The owner could not be reached: the engine answers instead. */
  unreachable: () => void;
}

export function forwardUpgrade(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  target: HttpTarget,
  headers: string[],
  options: ForwardUpgradeOptions,
): void {
  const upstream: Socket = connect(target.port, target.host);
  let connected = false;
  const timer = setTimeout(
    () => upstream.destroy(new RedisAdapterError('OWNER_UNREACHABLE', 'owner connect timeout')),
    options.connectTimeoutMs,
  );
  const dropClient = () => upstream.destroy();
  socket.once('close', dropClient);
  upstream.on('error', () => {
    if (connected) socket.destroy();
  });
  upstream.once('close', () => {
    clearTimeout(timer);
    if (connected) {
      socket.destroy();
      return;
    }
    socket.off('close', dropClient);
    if (!socket.destroyed) options.unreachable();
  });
  upstream.once('connect', () => {
    clearTimeout(timer);
    connected = true;
    upstream.setNoDelay(true);
    upstream.write(requestHead(req, headers));
    if (head.length > 0) upstream.write(head);
    socket.on('error', () => upstream.destroy());
    socket.pipe(upstream);
    upstream.pipe(socket);
  });
}

function requestHead(req: IncomingMessage, headers: string[]): string {
  let head = `${req.method} ${req.url} HTTP/1.1\r\n`;
  for (let i = 0; i < headers.length; i += 2) head += `${headers[i]}: ${headers[i + 1]}\r\n`;
  return `${head}\r\n`;
}
