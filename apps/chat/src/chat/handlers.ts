/**
 * The chat's socket handlers: validation, rate limiting, store-then-broadcast. See events.ts for
 * the contract. Every request is answered through its ack; nothing a client sends can throw out of
 * a handler.
 */
import type { RealtimeServer, Socket } from '../realtime.js';
import type { ChatStore } from '../store/index.js';
import { ChatError, type ChatErrorBody } from './errors.js';
import {
  type AckResponse,
  CATCH_UP_PAGE,
  HISTORY_PAGE,
  type JoinResult,
  RATE_LIMIT,
  type TypingEvent,
} from './events.js';
import { Presence } from './presence.js';
import { RateLimiter } from './rate-limit.js';
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
/** Room creations per socket per minute. */
const ROOM_CREATE_LIMIT = { rooms: 5, windowMs: 60_000 } as const;
/**
 * Typing hints relayed per socket per window. The page sends at most a start/stop pair per message
 * (plus a refresh every 2.5 s), so a fast typist stays well under this; only floods are cut.
 */
const TYPING_LIMIT = { events: 10, windowMs: 2000 } as const;

type Request = (payload: unknown) => Promise<object>;

export interface ChatHandlers {
  close(): void;
}

export function attachChat(io: RealtimeServer, store: ChatStore): ChatHandlers {
  const rooms = new RoomDirectory(store);
  const presence = new Presence(io);

  // The nickname travels in the handshake's auth, so every reconnection carries it again.
  io.use((socket, next) => {
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
    registerHandlers(socket, { io, store, rooms, presence });
  });

  return { close: () => presence.close() };
}

interface Context {
  io: RealtimeServer;
  store: ChatStore;
  rooms: RoomDirectory;
  presence: Presence;
}

function registerHandlers(socket: Socket, { io, store, rooms, presence }: Context): void {
  const nick = (): string => socket.data.nick as string;
  const messageLimit = new RateLimiter(RATE_LIMIT.messages, RATE_LIMIT.windowMs);
  const roomLimit = new RateLimiter(ROOM_CREATE_LIMIT.rooms, ROOM_CREATE_LIMIT.windowMs);
  const typingLimit = new RateLimiter(TYPING_LIMIT.events, TYPING_LIMIT.windowMs);

  const existingRoom = async (value: unknown): Promise<string> => {
    const room = validateRoomName(value);
    if (!(await rooms.exists(room))) throw new ChatError('UNKNOWN_ROOM', `There is no room #${room}.`);
    return room;
  };

  onRequest(socket, 'rooms:list', async () => ({ rooms: await rooms.list() }));

  onRequest(socket, 'room:create', async (payload) => {
    const room = validateRoomName(requestObject(payload).room);
    const wait = roomLimit.take(Date.now());
    if (wait > 0) throw new ChatError('RATE_LIMITED', `Too many new rooms; try again in ${seconds(wait)}.`, wait);
    const result = await rooms.create(room);
    if (result.created) io.emit('room:created', result.room);
    return result;
  });

  onRequest(socket, 'room:join', async (payload): Promise<JoinResult> => {
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
      after === undefined ? await store.latest(room, HISTORY_PAGE) : await store.after(room, after, CATCH_UP_PAGE);
    presence.changed(room);
    return { room, mode: after === undefined ? 'latest' : 'after', ...page, users: await presence.usersIn(room) };
  });

  onRequest(socket, 'room:leave', async (payload) => {
    const room = validateRoomName(requestObject(payload).room);
    await socket.leave(room);
    presence.changed(room);
    return {};
  });

  onRequest(socket, 'history:before', async (payload) => {
    const request = requestObject(payload);
    const room = await existingRoom(request.room);
    return store.before(room, validateMessageId(request.before, 'before'), HISTORY_PAGE);
  });

  onRequest(socket, 'history:after', async (payload) => {
    const request = requestObject(payload);
    const room = await existingRoom(request.room);
    return store.after(room, validateMessageId(request.after, 'after'), CATCH_UP_PAGE);
  });

  onRequest(socket, 'message:send', async (payload) => {
    const request = requestObject(payload);
    const room = validateRoomName(request.room);
    const text = validateMessageText(request.text);
    const clientId = validateClientId(request.clientId);
    if (!socket.rooms.has(room)) {
      throw (await rooms.exists(room))
        ? new ChatError('NOT_IN_ROOM', `Join #${room} before sending messages to it.`)
        : new ChatError('UNKNOWN_ROOM', `There is no room #${room}.`);
    }
    const wait = messageLimit.take(Date.now());
    if (wait > 0) {
      throw new ChatError('RATE_LIMITED', `You are sending too fast; wait ${seconds(wait)}.`, wait);
    }
    // Stored (committed) first, broadcast second: a message anyone has seen survives a crash.
    const { message } = await store.appendMessage({ room, nick: nick(), text, ts: Date.now(), clientId });
    io.to(room).emit('message', message);
    return { message };
  });

  socket.on('typing', (payload: unknown) => {
    if (typeof payload !== 'object' || payload === null) return;
    const { room, typing } = payload as Record<string, unknown>;
    if (typeof room !== 'string' || !socket.rooms.has(room) || room === socket.id) return;
    // Each hint is relayed to a whole room: a flood from one socket would be multiplied.
    if (typingLimit.take(Date.now()) > 0) return;
    const event: TypingEvent = { room, nick: nick(), typing: typing === true };
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
function onRequest(socket: Socket, event: string, handle: Request): void {
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

/** The chat rooms a socket is in (every socket is also in a private room named by its id). */
function joinedRooms(socket: Socket): string[] {
  return [...socket.rooms].filter((room): room is string => typeof room === 'string' && room !== socket.id);
}

function seconds(ms: number): string {
  const s = Math.ceil(ms / 1000);
  return s === 1 ? '1 second' : `${s} seconds`;
}
