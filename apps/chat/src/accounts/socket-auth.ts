/**
 * Authenticates realtime connections by the session cookie sent with the handshake. A socket of a
 * live session carries its account in `socket.data` (`userId`, `username`, `sessionId`) and sits
 * in the session's room, through which sign-out disconnects it on every node.
 */
import type { RealtimeServer, Socket } from '../realtime.js';
import { type Accounts, sessionRoom, userRoom } from './accounts.js';
import { sessionTokenFrom } from './tokens.js';

export interface SocketAuthOptions {
  /**
   * Refuse connections without a live session (`connect_error` with `data.code` UNAUTHENTICATED).
   * When false, such a connection falls through to the nickname handshake of older pages.
   */
  required: boolean;
}

export function authenticateSockets(io: RealtimeServer, accounts: Accounts, options: SocketAuthOptions): void {
  io.use((socket, next) => {
    accounts.session(sessionTokenFrom(socket.handshake.headers.cookie)).then(
      (session) => {
        if (session) {
          socket.data.userId = session.user.id;
          socket.data.username = session.user.username;
          socket.data.sessionId = session.id;
          next();
        } else if (options.required) {
          next(unauthenticated());
        } else {
          next();
        }
      },
      (err: unknown) => {
        console.error('chat: session lookup failed:', err);
        next(Object.assign(new Error('The server could not check your session.'), { data: { code: 'SERVER_ERROR' } }));
      },
    );
  });

  io.on('connection', (socket) => {
    const { sessionId, userId } = socket.data;
    if (sessionId === undefined || userId === undefined) return;
    void socket.join([sessionRoom(sessionId), userRoom(userId)]);
    // A recovered connection skipped the middleware: its session may have ended while it was away.
    if (socket.recovered) void recheck(socket, accounts);
  });
}

async function recheck(socket: Socket, accounts: Accounts): Promise<void> {
  const session = await accounts.session(sessionTokenFrom(socket.handshake.headers.cookie)).catch(() => null);
  if (!session || session.id !== socket.data.sessionId) socket.disconnect(true);
}

function unauthenticated(): Error {
  return Object.assign(new Error('Sign in to chat.'), { data: { code: 'UNAUTHENTICATED' } });
}
