// @ts-check
// The server's input rules, checked on the page too so it can say what is wrong before sending.
// The server still checks everything; these only save a round trip. The limits and patterns come
// from rules.json, which the server's validation (src/chat/validation.ts) imports as well.
import rules from './rules.json' with { type: 'json' };

export const MAX_MESSAGE_LENGTH = rules.messageMaxLength;
const ROOM_NAME = new RegExp(rules.roomNamePattern);

/** @param {string} value  what the user typed */
export function normalizeRoomName(value) {
  return value.trim().replace(/^#/, '').toLowerCase().replace(/\s+/g, '-');
}

/**
 * @param {string} name  a normalized room name
 * @returns {string | null}  what is wrong with it, or null
 */
export function roomNameProblem(name) {
  if (name.length === 0) return 'Type a name for the room.';
  if (name.length > rules.roomNameMaxLength || !ROOM_NAME.test(name)) {
    return `Use lowercase letters, digits, "-" or "_" (up to ${rules.roomNameMaxLength}), starting with a letter or digit.`;
  }
  return null;
}

/**
 * Counted in code points, as the server counts (an emoji is one character, not two).
 * @param {string} text
 */
export function messageLength(text) {
  return [...text].length;
}
