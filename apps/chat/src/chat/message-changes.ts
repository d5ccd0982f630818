/**
 * Changing messages after they were sent: edit and delete your own, reactions, reply previews,
 * catch-up of changes, and a private room owner's moderation (delete any message, remove a member).
 * See events.ts for the contract.
 *
 * Every change is stored first, then sent to the room as 'message:update' carrying the message's
 * whole latest state (last write wins on the page, keyed by id and revision). Each change bumps the
 * room's revision in the store, so a page that missed updates while offline asks for the changes
 * after the last revision it saw ('history:changes'), however old the changed messages are.
 */
import rules from '../../public/js/rules.json' with { type: 'json' };
import { userRoom } from '../accounts/accounts.js';
import type { RealtimeServer, Socket } from '../realtime.js';
import type { ChatMessage, ChatStore, MessagePage, RoomInfo } from '../store/index.js';
import type { FileStorage } from '../uploads/file-storage.js';
import { ChatError } from './errors.js';
import { CATCH_UP_PAGE, type RequestEvent } from './events.js';
import type { Presence } from './presence.js';
import type { RequestKind } from './request-limits.js';
import type { RoomDirectory } from './rooms.js';
import { requestObject, validateMessageId, validateMessageText, validateUsername } from './validation.js';

/** The reactions offered (and the only ones accepted): a small set everyone recognises. */
export const REACTION_EMOJI: readonly string[] = rules.reactionEmoji;

/** A reply preview shows this many characters of the original. */
export const REPLY_PREVIEW_LENGTH = rules.replyPreviewLength;

/** What the feature needs from the connection's handler set (handlers.ts). */
export interface MessageChangesContext {
  io: RealtimeServer;
  store: ChatStore;
  rooms: RoomDirectory;
  presence: Presence;
  /** Registers an acknowledged request, spending the identity's budget of `kind` first. */
  onRequest(event: RequestEvent, kind: RequestKind, handle: (payload: unknown) => Promise<object>): void;
  /** The room if this socket's account may use it; UNKNOWN_ROOM otherwise. */
  accessibleRoom(value: unknown): Promise<RoomInfo>;
  /** The signed-in account's id, or null for a nickname-only connection. */
  myId(): string | null;
  myUsername(): string | null;
  /** Where uploaded files' bytes are kept: a deleted message's file is erased there too. */
  files: Pick<FileStorage, 'erase'>;
}

export function registerMessageChanges(socket: Socket, context: MessageChangesContext): void {
  const { io, store, rooms, presence, onRequest, accessibleRoom } = context;
  const signedIn = (): { userId: string; username: string } => {
    const userId = context.myId();
    const username = context.myUsername();
    if (userId === null || username === null) throw new ChatError('NOT_ALLOWED', 'Sign in to change messages.');
    return { userId, username };
  };
  /** The message, if it is in the room; UNKNOWN_MESSAGE otherwise (and for deleted ones). */
  const liveMessage = async (room: string, value: unknown): Promise<ChatMessage> => {
    const id = validateMessageId(value, 'id');
    const [message] = await store.messagesByIds(room, [id]);
    if (!message || message.deletedAt !== undefined) throw new ChatError('UNKNOWN_MESSAGE', 'That message is gone.');
    return message;
  };
  /** Stored: now every socket in the room, on every node, gets the new state. */
  const announce = async (message: ChatMessage | null): Promise<{ message: ChatMessage }> => {
    if (!message) throw new ChatError('UNKNOWN_MESSAGE', 'That message is gone.');
    const [shown] = await withReplyPreviews(store, [message]);
    io.to(shown.room).emit('message:update', shown);
    return { message: shown };
  };

  onRequest('message:edit', 'edit', async (payload) => {
    const request = requestObject(payload);
    const { name: room } = await accessibleRoom(request.room);
    const text = validateMessageText(request.text);
    const me = signedIn();
    const message = await liveMessage(room, request.id);
    if (message.userId !== me.userId) throw new ChatError('NOT_ALLOWED', 'You can only edit your own messages.');
    if (message.text === text) return { message: (await withReplyPreviews(store, [message]))[0] };
    return announce(await store.editMessage(room, message.id, text, Date.now()));
  });

  onRequest('message:delete', 'edit', async (payload) => {
    const request = requestObject(payload);
    const room = await accessibleRoom(request.room);
    const me = signedIn();
    const message = await liveMessage(room.name, request.id);
    if (message.userId !== me.userId && !isModerator(room, me.userId)) {
      throw new ChatError('NOT_ALLOWED', 'You can only delete your own messages.');
    }
    // The store drops the file's row with the message, in one transaction; the bytes go only once
    // that is committed (a failed delete keeps both), so no message ever points at a missing file.
    const deleted = await store.deleteMessage(room.name, message.id, Date.now());
    // Non-null: this very call deleted it, so it erases the file once, whoever else raced to delete.
    if (deleted && message.attachment) await context.files.erase(message.attachment.id);
    return announce(deleted);
  });

  onRequest('message:react', 'react', async (payload) => {
    const request = requestObject(payload);
    const { name: room } = await accessibleRoom(request.room);
    const emoji = validateReaction(request.emoji);
    const me = signedIn();
    const id = validateMessageId(request.id, 'id');
    const result = await store.setReaction(room, id, me, emoji, request.on !== false, Date.now());
    if (!result) throw new ChatError('UNKNOWN_MESSAGE', 'That message is gone.');
    if (!result.changed) return { message: (await withReplyPreviews(store, [result.message]))[0] };
    return announce(result.message);
  });

  onRequest('history:changes', 'history', async (payload) => {
    const request = requestObject(payload);
    const { name: room } = await accessibleRoom(request.room);
    const since = validateMessageId(request.since, 'since');
    const page = await store.changesSince(room, since, CATCH_UP_PAGE);
    return { ...page, messages: await withReplyPreviews(store, page.messages) };
  });

  onRequest('room:remove', 'members', async (payload) => {
    const request = requestObject(payload);
    const room = await accessibleRoom(request.room);
    const me = signedIn();
    if (!isModerator(room, me.userId)) {
      throw new ChatError('NOT_ALLOWED', `Only the owner of a private room can remove people from #${room.name}.`);
    }
    const user = await store.findUser(validateUsername(request.username));
    if (!user) throw new ChatError('UNKNOWN_USER', 'There is no such user.');
    if (user.id === me.userId) throw new ChatError('BAD_REQUEST', 'The owner cannot remove themselves.');
    if (!(await store.removeMember(room.name, user.id))) {
      throw new ChatError('UNKNOWN_USER', `@${user.username} is not a member of #${room.name}.`);
    }
    // Out at once, on every node: their sockets leave the room (no more broadcasts), their pages are
    // told, and every later request about the room answers UNKNOWN_ROOM (membership is re-read).
    io.in(userRoom(user.id)).socketsLeave(room.name);
    io.to(userRoom(user.id)).emit('room:removed', { room: room.name });
    presence.changed(room.name);
    return { user: { id: user.id, username: user.username } };
  });

  // A session restored after a drop gets back the rooms it kept. The removal's socketsLeave already
  // reaches kept sessions (test: message-changes.test.ts); membership is re-checked here as well, so
  // a room whose membership changed by any other path is not kept either.
  if (socket.recovered) void leaveRevokedRooms(socket, rooms, context.myId());
}

/** Who moderates a room: the owner of a private room. Public rooms record no owner; DMs have none. */
export function isModerator(room: RoomInfo, userId: string | null): boolean {
  return room.kind === 'private' && userId !== null && room.ownerId === userId;
}

/** The message a new one replies to (same room, not deleted); null when it replies to nothing. */
export async function replyTarget(store: ChatStore, room: string, value: unknown): Promise<number | null> {
  if (value === undefined || value === null) return null;
  const id = validateMessageId(value, 'replyTo');
  const [original] = await store.messagesByIds(room, [id]);
  if (!original || original.deletedAt !== undefined) {
    throw new ChatError('UNKNOWN_MESSAGE', 'The message you reply to is gone.');
  }
  return id;
}

/** The messages with a preview of what each reply answers (one store read for the whole list). */
export async function withReplyPreviews(store: ChatStore, messages: ChatMessage[]): Promise<ChatMessage[]> {
  const wanted = [...new Set(messages.flatMap((message) => (message.replyTo === undefined ? [] : [message.replyTo])))];
  if (wanted.length === 0) return messages;
  const originals = new Map(
    (await store.messagesByIds(messages[0].room, wanted)).map((original) => [original.id, original]),
  );
  return messages.map((message) => {
    const original = message.replyTo === undefined ? undefined : originals.get(message.replyTo);
    if (!original) return message;
    const deleted = original.deletedAt !== undefined;
    const text = deleted ? '' : [...original.text].slice(0, REPLY_PREVIEW_LENGTH).join('');
    return { ...message, reply: { id: original.id, nick: original.nick, text, deleted } };
  });
}

/** A page with its reply previews. */
export async function pageWithReplies<P extends MessagePage>(store: ChatStore, page: P): Promise<P> {
  return { ...page, messages: await withReplyPreviews(store, page.messages) };
}

function validateReaction(value: unknown): string {
  if (typeof value !== 'string' || !REACTION_EMOJI.includes(value)) {
    throw new ChatError('BAD_REQUEST', 'Unknown reaction.');
  }
  return value;
}

async function leaveRevokedRooms(socket: Socket, rooms: RoomDirectory, userId: string | null): Promise<void> {
  for (const room of socket.rooms) {
    // Chat room names never hold ':'; the account's own rooms (user:…, session:…) do.
    if (typeof room !== 'string' || room === socket.id || room.includes(':')) continue;
    try {
      if (!(await rooms.accessible(room, userId))) await socket.leave(room);
    } catch {
      // The store is unreachable: the next request re-checks membership anyway.
    }
  }
}
