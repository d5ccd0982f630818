/**
 * Who a socket is, from what the handshake middlewares put in `socket.data` (see SocketData in
 * events.ts): both run before a socket connects, so every connected socket has a nick.
 */
import type { Socket } from '../realtime.js';

/** The name a socket's messages show: its account's username, or a nickname-only socket's nickname. */
export function nickOf(socket: Socket): string {
  return socket.data.nick ?? '';
}

/** The signed-in account of a socket (nulls for a nickname-only socket of an older page). */
export function accountOf(socket: Socket): { username: string | null; userId: string | null } {
  const { username, userId } = socket.data;
  return username !== undefined && userId !== undefined ? { username, userId } : { username: null, userId: null };
}
