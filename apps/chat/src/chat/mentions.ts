/**
 * @mentions. After a message is stored, the accounts it names with `@username` (that may read the
 * room) are recorded for their mention counts and told through their user room, on every node,
 * whether or not they have the room open; the other person of a DM is told the same way. The page
 * decides whether to show a desktop notification (not for a muted room, not for a visible tab).
 *
 *   server -> client  'notify'  { message: ChatMessage, reason: 'mention' | 'dm' }
 */
import { userRoom } from '../accounts/accounts.js';
import type { RealtimeServer } from '../realtime.js';
import type { ChatMessage, ChatStore, RoomInfo } from '../store/index.js';
import type { NotifyEvent } from './events.js';
import type { RoomDirectory } from './rooms.js';

/** Names looked up per message at most: a message listing every user notifies a few, not all. */
export const MAX_MENTIONS_PER_MESSAGE = 10;

// A username after "@", not inside a word or an e-mail address (ada@example.com mentions no one).
const MENTION = /(?<![A-Za-z0-9_.@-])@([A-Za-z0-9_.-]{2,24})/g;

/**
 * The distinct usernames a text mentions, lower-cased, in order. "@bob." at the end of a sentence
 * names bob: trailing dots and dashes are tried both ways by the caller (both are returned).
 */
export function mentionedNames(text: string): string[] {
  if (!text.includes('@')) return [];
  const names = new Set<string>();
  for (const match of text.matchAll(MENTION)) {
    const name = match[1].toLowerCase();
    const trimmed = name.replace(/[.-]+$/, '');
    if (trimmed !== name && trimmed.length >= 2) names.add(trimmed);
    names.add(name);
    if (names.size >= MAX_MENTIONS_PER_MESSAGE) break;
  }
  return [...names];
}

/** The two account ids of a DM room (`dm-<id>-<id>`), or none for another room. */
export function dmMembers(room: RoomInfo): string[] {
  if (room.kind !== 'dm') return [];
  return room.name.split('-').slice(1);
}

export class Mentions {
  readonly #io: RealtimeServer;
  readonly #store: ChatStore;
  readonly #rooms: RoomDirectory;

  constructor(io: RealtimeServer, store: ChatStore, rooms: RoomDirectory) {
    this.#io = io;
    this.#store = store;
    this.#rooms = rooms;
  }

  /** Records and announces the mentions of a stored message; never throws (the send succeeded). */
  afterStored(message: ChatMessage): void {
    this.#handle(message).catch((err: unknown) => console.error('chat: mentions failed:', err));
  }

  async #handle(message: ChatMessage): Promise<void> {
    const room = await this.#rooms.accessible(message.room, message.userId);
    if (!room) return;
    const mentioned = new Set<string>();
    for (const name of mentionedNames(message.text)) {
      const user = await this.#store.findUser(name);
      if (!user || user.id === message.userId || mentioned.has(user.id)) continue;
      // Someone who cannot read the room must not even learn that it exists.
      if (await this.#rooms.accessible(room.name, user.id)) mentioned.add(user.id);
    }
    if (mentioned.size > 0) {
      await this.#store.addMentions(room.name, message.id, [...mentioned]);
      this.#emit([...mentioned], { message, reason: 'mention' });
    }
    const others = dmMembers(room).filter((id) => id !== message.userId && !mentioned.has(id));
    if (others.length > 0) this.#emit(others, { message, reason: 'dm' });
  }

  #emit(userIds: string[], event: NotifyEvent): void {
    this.#io.to(userIds.map(userRoom)).emit('notify', event);
  }
}
