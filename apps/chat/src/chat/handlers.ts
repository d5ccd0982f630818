/**
 * The chat's socket handlers: validation, rate limiting, store-then-broadcast. See events.ts for
 * the contract. Every request is answered through its ack; nothing a client sends can throw out of
 * a handler.
 */
import type { RealtimeServer, Socket } from '../realtime.js';
import type { ChatStore } from '../store/index.js';
import { ChatError, type ChatErrorBody } from './errors.js';
import { type AckResponse, CATCH_UP_PAGE, HISTORY_PAGE, type JoinResult, type TypingEvent } from './events.js';
import { type Identify, identityFunction } from './identity.js';
import { capPageBytes } from './page-cap.js';
import { Presence } from './presence.js';
import { type RequestBudgets, type RequestKind, RequestLimits } from './request-limits.js';
import { RoomDirectory } from './rooms.js';
import {
  requestObject,
  validateClientId,
  validateMessageId,
  validateMessageText,
  validateNickname,
  validateRoomName,
} from './validation.js';

/** A socket may be in this many rooms at once. */
const MAX_JOINED_ROOMS = 50;

type Request = (payload: unknown) => Promise<object>;

export interface ChatOptions {
  /** Whom each socket's requests count against (default: user id, else client address). */
  identify?: Identify;
  /** Overrides of the per-identity request budgets (see request-limits.ts). */
  budgets?: Partial<RequestBudgets>;
}

export interface ChatHandlers {
  close(): void;
}

export function attachChat(io: RealtimeServer, store: ChatStore, options: ChatOptions = {}): ChatHandlers {
  const rooms = new RoomDirectory(store);
  const presence = new Presence(io);
  const limits = new RequestLimits(options.budgets);
  const identify = options.identify ?? identityFunction();

  // The nickname travels in the handshake's auth, so every reconnection carries it again.
  io.use((socket, next) => {
    // A signed-in socket is its account: whatever name the client claims is ignored.
    if (typeof socket.data.username === 'string') {
      socket.data.nick = socket.data.username;
      next();
      return;
    }
    try {
      socket.data.nick = validateNickname((socket.handshake.auth as Record<string, unknown> | undefined)?.nick);
      next();
    } catch (err) {
      const body = errorBody(err);
      next(Object.assign(new Error(body.message), { data: { code: body.code } }));
    }
  });

  io.on('connection', (socket) => {
    // A recovered session got its rooms back without joining them again: refresh their lists.
    if (socket.recovered) for (const room of joinedRooms(socket)) presence.changed(room);
    registerHandlers(socket, { io, store, rooms, presence, limits, identity: identify(socket) });
  });

  return {
    close: () => {
      presence.close();
      limits.close();
    },
  };
}

interface Context {
  io: RealtimeServer;
  store: ChatStore;
  rooms: RoomDirectory;
  presence: Presence;
  limits: RequestLimits;
  /** The key this socket's requests are limited by, shared with the user's other sockets. */
  identity: string;
}

function registerHandlers(socket: Socket, context: Context): void {
  const { io, store, rooms, presence, limits, identity } = context;
  const nick = (): string => socket.data.nick as string;
  const onRequest = (event: string, kind: RequestKind, handle: Request): void =>
    handleRequests(socket, event, (payload) => {
      // Spent before any validation or store access: a flood costs a lookup per request, no more.
      limits.spend(identity, kind);
      return handle(payload);
    });

  const existingRoom = async (value: unknown): Promise<string> => {
    const room = validateRoomName(value);
    if (!(await rooms.exists(room))) throw new ChatError('UNKNOWN_ROOM', `There is no room #${room}.`);
    return room;
  };

  onRequest('rooms:list', 'list', async () => ({ rooms: await rooms.list() }));

  onRequest('room:create', 'create', async (payload) => {
    const room = validateRoomName(requestObject(payload).room);
    const result = await rooms.create(room);
    if (result.created) io.emit('room:created', result.room);
    return result;
  });

  onRequest('room:join', 'join', async (payload): Promise<JoinResult> => {
    const request = requestObject(payload);
    const room = await existingRoom(request.room);
    const after =
      request.after === undefined || request.after === null ? undefined : validateMessageId(request.after, 'after');
    if (!socket.rooms.has(room) && joinedRooms(socket).length >= MAX_JOINED_ROOMS) {
      throw new ChatError('BAD_REQUEST', `You can be in at most ${MAX_JOINED_ROOMS} rooms at once.`);
    }
    // Join before reading: a message stored after the read is then broadcast to this socket, so the
    // two can overlap (the page dedupes by id) but never leave a gap.
    await socket.join(room);
    const page =
      after === undefined
        ? capPageBytes(await store.latest(room, HISTORY_PAGE), 'newest')
        : capPageBytes(await store.after(room, after, CATCH_UP_PAGE), 'oldest');
    presence.changed(room);
    return { room, mode: after === undefined ? 'latest' : 'after', ...page, users: await presence.usersIn(room) };
  });

  onRequest('room:leave', 'leave', async (payload) => {
    const room = validateRoomName(requestObject(payload).room);
    await socket.leave(room);
    presence.changed(room);
    return {};
  });

  onRequest('history:before', 'history', async (payload) => {
    const request = requestObject(payload);
    const room = await existingRoom(request.room);
    return capPageBytes(await store.before(room, validateMessageId(request.before, 'before'), HISTORY_PAGE), 'newest');
  });

  onRequest('history:after', 'history', async (payload) => {
    const request = requestObject(payload);
    const room = await existingRoom(request.room);
    return capPageBytes(await store.after(room, validateMessageId(request.after, 'after'), CATCH_UP_PAGE), 'oldest');
  });

  onRequest('message:send', 'send', async (payload) => {
    const request = requestObject(payload);
    const room = validateRoomName(request.room);
    const text = validateMessageText(request.text);
    const clientId = validateClientId(request.clientId);
    if (!socket.rooms.has(room)) {
      throw (await rooms.exists(room))
        ? new ChatError('NOT_IN_ROOM', `Join #${room} before sending messages to it.`)
        : new ChatError('UNKNOWN_ROOM', `There is no room #${room}.`);
    }
    // Stored (committed) first, broadcast second: a message anyone has seen survives a crash.
    const { message } = await store.appendMessage({
      room,
      nick: nick(),
      username: account(socket).username,
      userId: account(socket).userId,
      text,
      ts: Date.now(),
      clientId,
    });
    io.to(room).emit('message', message);
    return { message };
  });

  socket.on('typing', (payload: unknown) => {
    if (typeof payload !== 'object' || payload === null) return;
    const { room, typing } = payload as Record<string, unknown>;
    if (typeof room !== 'string' || !socket.rooms.has(room) || room === socket.id) return;
    // Each hint is relayed to a whole room: a flood from one user would be multiplied. No ack to
    // answer (hints are fire-and-forget), so one over budget is dropped.
    if (limits.take(identity, 'typing', Date.now()) > 0) return;
    const event: TypingEvent = { room, nick: nick(), username: account(socket).username, typing: typing === true };
    // Volatile: a typing hint is worthless once late, so it is never buffered or replayed.
    socket.to(room).volatile.emit('typing', event);
  });

  let leaving: string[] = [];
  socket.on('disconnecting', () => {
    leaving = joinedRooms(socket);
  });
  socket.on('disconnect', () => {
    for (const room of leaving) presence.changed(room);
  });
}

/** Wires one request event: the last argument, if a function, is the ack; errors become `{ ok: false }`. */
function handleRequests(socket: Socket, event: string, handle: Request): void {
  socket.on(event, (...args: unknown[]) => {
    const ack = typeof args.at(-1) === 'function' ? (args.pop() as (response: AckResponse) => void) : undefined;
    let pending: Promise<object>;
    try {
      pending = handle(args[0]);
    } catch (err) {
      pending = Promise.reject(err);
    }
    pending.then(
      (result) => ack?.({ ok: true, ...result }),
      (err: unknown) => ack?.({ ok: false, error: errorBody(err) }),
    );
  });
}

function errorBody(err: unknown): ChatErrorBody {
  if (err instanceof ChatError) return err.toBody();
  console.error('chat: request failed:', err);
  return { code: 'SERVER_ERROR', message: 'The server could not complete this request. Please try again.' };
}

/** The signed-in account of a socket (nulls for a nickname-only socket of an older page). */
function account(socket: Socket): { username: string | null; userId: string | null } {
  const { username, userId } = socket.data as { username?: unknown; userId?: unknown };
  return typeof username === 'string' && typeof userId === 'string'
    ? { username, userId }
    : { username: null, userId: null };
}

/** The chat rooms a socket is in (every socket is also in a private room named by its id). */
function joinedRooms(socket: Socket): string[] {
  return [...socket.rooms].filter((room): room is string => typeof room === 'string' && room !== socket.id);
}
