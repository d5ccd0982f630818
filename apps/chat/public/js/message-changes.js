// @ts-check
// Changes to messages already on the page (edits, deletions, reactions) and reply previews. The
// server sends a changed message whole ('message:update'), with the room revision of the change;
// the page keeps whichever state of a message has the highest revision, whatever path it came by.

import rules from './rules.json' with { type: 'json' };

/** @typedef {import('../../src/store/types.js').ChatMessage} ChatMessage */
/** @typedef {import('./state.js').RoomState} RoomState */

/** The reactions offered (the server accepts these only): from rules.json, shared with the server. */
export const REACTION_EMOJI = rules.reactionEmoji;

/** Reply previews show this many characters of the original (as the server does). */
const PREVIEW_LENGTH = rules.replyPreviewLength;

/**
 * Applies a changed message to a room's state; returns true when the page must redraw. Replies
 * quoting it get a fresh preview (a new object, so the view redraws them too).
 * @param {RoomState} room
 * @param {unknown} message  as received
 */
export function applyChange(room, message) {
  if (!isChange(message)) return false;
  // Every revision of a room is one broadcast change, so the page has all changes up to `rev` only
  // while they arrive without a gap; after a gap (out of order across nodes, or a drop) it stays
  // put, and catch-up asks again from there (applying a change twice is harmless).
  if (message.rev === (room.rev ?? 0) + 1) room.rev = message.rev;
  const current = room.messages.get(message.id);
  if (!current && !room.loaded) {
    // Came while the room's first page is on its way: that page may predate it; apply it after.
    room.early ??= new Map();
    room.early.set(message.id, message);
    return false;
  }
  let changed = false;
  if (current && (message.rev ?? 0) >= (current.rev ?? 0) && current !== message) {
    // A page's copy may carry a preview the update lacks (never the reverse): keep it.
    room.messages.set(message.id, message.reply || !current.reply ? message : { ...message, reply: current.reply });
    changed = true;
  }
  for (const [id, reply] of room.messages) {
    if (reply.replyTo !== message.id) continue;
    room.messages.set(id, { ...reply, reply: previewOf(message) });
    changed = true;
  }
  return changed;
}

/**
 * Applies the changes that arrived before the room's first page (see applyChange).
 * @param {RoomState} room
 */
export function applyEarlyChanges(room) {
  const early = room.early;
  room.early = undefined;
  for (const message of early?.values() ?? []) applyChange(room, message);
}

/**
 * What a reply shows of the message it answers.
 * @param {ChatMessage} message
 * @returns {import('../../src/store/types.js').ReplyPreview}
 */
export function previewOf(message) {
  const deleted = message.deletedAt !== undefined;
  return {
    id: message.id,
    nick: message.nick,
    text: deleted ? '' : [...message.text].slice(0, PREVIEW_LENGTH).join(''),
    deleted,
  };
}

/**
 * The reactions of a message as the page shows them: emoji, count, who, and whether I am one.
 * @param {ChatMessage} message
 * @param {string} myName
 * @returns {{ emoji: string, usernames: string[], mine: boolean }[]}
 */
export function reactionsOf(message, myName) {
  if (!Array.isArray(message.reactions)) return [];
  // As received: each entry is checked, whatever the declared type says.
  /** @type {any[]} */
  const reactions = message.reactions;
  return reactions
    .filter((reaction) => typeof reaction?.emoji === 'string' && Array.isArray(reaction.usernames))
    .map((reaction) => ({
      emoji: reaction.emoji,
      usernames: reaction.usernames.filter((/** @type {unknown} */ name) => typeof name === 'string'),
      mine: reaction.usernames.includes(myName),
    }));
}

/**
 * @param {any} value
 * @returns {value is ChatMessage}
 */
function isChange(value) {
  return (
    typeof value === 'object' &&
    value !== null &&
    Number.isSafeInteger(value.id) &&
    typeof value.room === 'string' &&
    typeof value.text === 'string'
  );
}
