/**
 * The chat's socket handlers: validation, rate limiting, store-then-broadcast. See events.ts for
 * the contract. Every request is answered through its ack; nothing a client sends can throw out of
 * a handler.
 */
import { userRoom } from '../accounts/accounts.js';
import type { RealtimeServer, Socket } from '../realtime.js';
import type { ChatStore, RoomInfo } from '../store/index.js';
import { fileStorage } from '../uploads/file-storage.js';
import { UploadRegistry } from '../uploads/upload-registry.js';
import { registerUploads, type UploadService } from '../uploads/uploads.js';
import { DEFAULT_AWAY_AFTER_MS, registerAway } from './away.js';
import { ChatError, type ChatErrorBody } from './errors.js';
import {
  type Ack,
  CATCH_UP_PAGE,
  HISTORY_PAGE,
  type JoinResult,
  type RequestEvent,
  type TypingEvent,
} from './events.js';
import type { FeatureContext } from './feature-context.js';
import { type Identify, identityFunction } from './identity.js';
import { Mentions } from './mentions.js';
import { pageWithReplies, registerMessageChanges, replyTarget, withReplyPreviews } from './message-changes.js';
import { capPageBytes } from './page-cap.js';
import { Presence } from './presence.js';
import { registerReadState } from './read-state.js';
import { type RequestBudgets, type RequestKind, RequestLimits } from './request-limits.js';
import { RoomDirectory } from './rooms.js';
import { registerSearch } from './search.js';
import { accountOf, nickOf } from './socket-account.js';
import {
  requestObject,
  validateClientId,
  validateMessageId,
  validateMessageText,
  validateNickname,
  validateRoomName,
  validateUsername,
} from './validation.js';

/** Direct message rooms are named `dm-<smaller user id>-<larger user id>`. */
const DM_PREFIX = 'dm-';

/** A socket may be in this many rooms at once. */
const MAX_JOINED_ROOMS = 50;

type Request = (payload: unknown) => Promise<object>;

export interface ChatOptions {
  /** Whom each socket's requests count against (default: user id, else client address). */
  identify?: Identify;
  /** Overrides of the per-identity request budgets (see request-limits.ts). */
  budgets?: Partial<RequestBudgets>;
  /** Idle or hidden time after which a page reports itself away (default 5 minutes). */
  awayAfterMs?: number;
  /** Largest upload in bytes (default 5 MB), and where files are kept (default: in the store). */
  uploads?: { maxBytes?: number; dir?: string };
}

export interface ChatHandlers {
  close(): void;
}

export function attachChat(io: RealtimeServer, store: ChatStore, options: ChatOptions = {}): ChatHandlers {
  const rooms = new RoomDirectory(store);
  const presence = new Presence(io);
  const limits = new RequestLimits(options.budgets);
  const identify = options.identify ?? identityFunction();
  const mentions = new Mentions(io, store, rooms);
  const awayAfterMs = options.awayAfterMs ?? DEFAULT_AWAY_AFTER_MS;
  const uploads: UploadService = {
    registry: new UploadRegistry(options.uploads?.maxBytes),
    storage: fileStorage(options.uploads?.dir),
  };

  // The nickname travels in the handshake's auth, so every reconnection carries it again.
  io.use((socket, next) => {
    // A signed-in socket is its account: whatever name the client claims is ignored.
    if (typeof socket.data.username === 'string') {
      socket.data.nick = socket.data.username;
      next();
      return;
    }
    try {
      socket.data.nick = validateNickname(socket.handshake.auth?.nick);
      next();
    } catch (err) {
      const body = errorBody(err);
      next(Object.assign(new Error(body.message), { data: { code: body.code } }));
    }
  });

  io.on('connection', (socket) => {
    // A recovered session got its rooms back without joining them again: refresh their lists.
    if (socket.recovered) for (const room of joinedRooms(socket)) presence.changed(room);
    // Online anywhere shows in this account's DMs, whichever of them this page has open.
    const userId = accountOf(socket).userId;
    if (userId) presence.accountChanged(userId);
    registerHandlers(socket, {
      io,
      store,
      rooms,
      presence,
      limits,
      identity: identify(socket),
      mentions,
      awayAfterMs,
      uploads,
    });
  });

  return {
    close: () => {
      presence.close();
      limits.close();
      uploads.registry.close();
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
  mentions: Mentions;
  awayAfterMs: number;
  uploads: UploadService;
}

function registerHandlers(socket: Socket, context: Context): void {
  const { io, store, rooms, presence, limits, identity } = context;
  const onRequest = (event: RequestEvent, kind: RequestKind, handle: Request): void =>
    handleRequests(socket, event, (payload) => {
      // Spent before any validation or store access: a flood costs a lookup per request, no more.
      limits.spend(identity, kind);
      return handle(payload);
    });

  const myId = (): string | null => accountOf(socket).userId;
  const signedInId = (): string => {
    const id = myId();
    if (id === null) throw new ChatError('NOT_ALLOWED', 'Sign in to use private rooms and direct messages.');
    return id;
  };
  // A private room or DM the socket may not use answers exactly as a missing room: no one learns
  // that it exists, let alone what is in it.
  const accessibleRoom = async (value: unknown): Promise<RoomInfo> => {
    const name = validateRoomName(value);
    const room = await rooms.accessible(name, myId());
    if (!room) throw new ChatError('UNKNOWN_ROOM', `There is no room #${name}.`);
    return room;
  };
  /** Tells every socket of these accounts, on every node, about a room they can now use. */
  const announceTo = (userIds: string[], room: RoomInfo): void => {
    io.to(userIds.map(userRoom)).emit('room:created', room);
  };

  const features: FeatureContext = {
    socket,
    io,
    store,
    rooms,
    presence,
    identity,
    onRequest,
    signedInId,
    userId: myId,
    accessibleRoom,
  };
  registerReadState(features);
  registerAway(features, context.awayAfterMs);

  onRequest('rooms:list', 'list', async () => ({ rooms: await rooms.list(myId()) }));

  onRequest('room:create', 'create', async (payload) => {
    const request = requestObject(payload);
    const name = validateRoomName(request.room);
    if (name.startsWith(DM_PREFIX)) {
      throw new ChatError('INVALID_ROOM_NAME', `Room names starting with "${DM_PREFIX}" are kept for direct messages.`);
    }
    const isPrivate = request.private === true;
    const owner = isPrivate ? signedInId() : null;
    const result = await rooms.create(name, {
      kind: isPrivate ? 'private' : 'public',
      ownerId: owner,
      members: owner === null ? [] : [owner],
    });
    if (result.created) {
      if (result.room.kind === 'public') io.emit('room:created', result.room);
      else announceTo([signedInId()], result.room);
    } else if (!(await rooms.accessible(name, myId()))) {
      throw new ChatError('ROOM_NAME_TAKEN', `The name #${name} is taken.`);
    }
    return result;
  });

  onRequest('room:invite', 'members', async (payload) => {
    const request = requestObject(payload);
    const room = await accessibleRoom(request.room);
    if (room.kind !== 'private' || room.ownerId !== signedInId()) {
      throw new ChatError('NOT_ALLOWED', `Only the owner of a private room can invite to #${room.name}.`);
    }
    const user = await store.findUser(validateUsername(request.username));
    if (!user) throw new ChatError('UNKNOWN_USER', 'There is no such user.');
    if (await store.addMember(room.name, user.id)) announceTo([user.id], room);
    return { user: { id: user.id, username: user.username } };
  });

  onRequest('dm:open', 'dm', async (payload) => {
    const me = signedInId();
    const other = await store.findUser(validateUsername(requestObject(payload).username));
    if (!other) throw new ChatError('UNKNOWN_USER', 'There is no such user.');
    if (other.id === me) throw new ChatError('BAD_REQUEST', 'A direct message needs another person.');
    const members = [me, other.id].sort((a, b) => Number(a) - Number(b));
    const result = await rooms.create(`${DM_PREFIX}${members.join('-')}`, { kind: 'dm', ownerId: null, members });
    // Someone who left the conversation is back in it when either side opens it again.
    const rejoined = await Promise.all(members.map((id) => store.addMember(result.room.name, id)));
    const room: RoomInfo = { ...result.room, members: [accountOf(socket).username ?? '', other.username].sort() };
    if (result.created || rejoined.some(Boolean)) announceTo(members, room);
    return { room, with: { id: other.id, username: other.username } };
  });

  onRequest('room:join', 'join', async (payload): Promise<JoinResult> => {
    const request = requestObject(payload);
    const { name: room } = await accessibleRoom(request.room);
    const after =
      request.after === undefined || request.after === null ? undefined : validateMessageId(request.after, 'after');
    if (!socket.rooms.has(room) && joinedRooms(socket).length >= MAX_JOINED_ROOMS) {
      throw new ChatError('BAD_REQUEST', `You can be in at most ${MAX_JOINED_ROOMS} rooms at once.`);
    }
    // Join before reading: a message stored after the read is then broadcast to this socket, so the
    // two can overlap (the page dedupes by id) but never leave a gap.
    await socket.join(room);
    // Read before the messages: a change after this revision is in the page or asked for later.
    const rev = await store.roomRevision(room);
    const page = await pageWithReplies(
      store,
      after === undefined
        ? capPageBytes(await store.latest(room, HISTORY_PAGE), 'newest')
        : capPageBytes(await store.after(room, after, CATCH_UP_PAGE), 'oldest'),
    );
    presence.changed(room);
    return {
      room,
      mode: after === undefined ? 'latest' : 'after',
      ...page,
      ...(await presence.stateIn(room)),
      rev,
    };
  });

  onRequest('room:leave', 'leave', async (payload) => {
    const name = validateRoomName(requestObject(payload).room);
    const me = myId();
    if (me === null) {
      await socket.leave(name);
    } else {
      // Leaving is the person's, not one tab's: every socket of the account leaves, on every node,
      // and a private room or DM also drops them from its members.
      const room = await rooms.accessible(name, me);
      if (room && room.kind !== 'public') await store.removeMember(name, me);
      await socket.leave(name);
      io.in(userRoom(me)).socketsLeave(name);
    }
    presence.changed(name);
    return {};
  });

  onRequest('history:before', 'history', async (payload) => {
    const request = requestObject(payload);
    const { name: room } = await accessibleRoom(request.room);
    return pageWithReplies(
      store,
      capPageBytes(await store.before(room, validateMessageId(request.before, 'before'), HISTORY_PAGE), 'newest'),
    );
  });

  onRequest('history:after', 'history', async (payload) => {
    const request = requestObject(payload);
    const { name: room } = await accessibleRoom(request.room);
    return pageWithReplies(
      store,
      capPageBytes(await store.after(room, validateMessageId(request.after, 'after'), CATCH_UP_PAGE), 'oldest'),
    );
  });

  onRequest('message:send', 'send', async (payload) => {
    const request = requestObject(payload);
    const room = validateRoomName(request.room);
    const text = validateMessageText(request.text);
    const clientId = validateClientId(request.clientId);
    // Being in the room is the membership proof: only an allowed join puts a socket there, and
    // leaving a private room takes every socket of the account out of it on every node.
    if (!socket.rooms.has(room)) {
      throw (await rooms.accessible(room, myId()))
        ? new ChatError('NOT_IN_ROOM', `Join #${room} before sending messages to it.`)
        : new ChatError('UNKNOWN_ROOM', `There is no room #${room}.`);
    }
    const replyTo = await replyTarget(store, room, request.replyTo);
    // Stored (committed) first, broadcast second: a message anyone has seen survives a crash.
    const { message: stored, duplicate } = await store.appendMessage({
      room,
      nick: nickOf(socket),
      username: accountOf(socket).username,
      userId: accountOf(socket).userId,
      text,
      ts: Date.now(),
      clientId,
      replyTo,
    });
    const [message] = await withReplyPreviews(store, [stored]);
    io.to(room).emit('message', message);
    if (!duplicate) context.mentions.afterStored(message);
    return { message };
  });

  registerMessageChanges(socket, {
    io,
    store,
    rooms,
    presence,
    onRequest,
    accessibleRoom,
    myId,
    myUsername: () => accountOf(socket).username,
    files: context.uploads.storage,
  });
  registerSearch(features);
  registerUploads(features, context.uploads);

  socket.on('typing', (payload: unknown) => {
    if (typeof payload !== 'object' || payload === null) return;
    const { room, typing } = payload as Record<string, unknown>;
    if (typeof room !== 'string' || !socket.rooms.has(room) || room === socket.id) return;
    // Each hint is relayed to a whole room: a flood from one user would be multiplied. No ack to
    // answer (hints are fire-and-forget), so one over budget is dropped.
    if (limits.take(identity, 'typing', Date.now()) > 0) return;
    const event: TypingEvent = {
      room,
      nick: nickOf(socket),
      username: accountOf(socket).username,
      typing: typing === true,
    };
    // Volatile: a typing hint is worthless once late, so it is never buffered or replayed.
    socket.to(room).volatile.emit('typing', event);
  });

  let leaving: string[] = [];
  socket.on('disconnecting', () => {
    leaving = joinedRooms(socket);
  });
  socket.on('disconnect', () => {
    for (const room of leaving) presence.changed(room);
    const userId = accountOf(socket).userId;
    if (userId) presence.accountChanged(userId);
  });
}

/** Wires one request event: the last argument, if a function, is the ack; errors become `{ ok: false }`. */
function handleRequests(socket: Socket, event: RequestEvent, handle: Request): void {
  // The arguments are whatever the client sent: the ack is the last one only if it is a function.
  socket.on(event, (...args: unknown[]) => {
    const ack = typeof args.at(-1) === 'function' ? (args.pop() as Ack) : undefined;
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
