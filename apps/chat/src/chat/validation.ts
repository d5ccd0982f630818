/**
 * Checks on everything a client sends. Input is untrusted: any JSON value can arrive where an
 * object is expected, so each function takes `unknown` and returns a clean value or throws ChatError.
 */
// The rules the page checks too, before sending (public/js/rules.js): one file holds them, so the
// page's hints cannot drift from what the server enforces (message-changes.ts reads it as well). It sits in public/ as the page can only
// load what is served from there.
import rules from '../../public/js/rules.json' with { type: 'json' };
import { ChatError } from './errors.js';

export const MAX_MESSAGE_LENGTH = rules.messageMaxLength;
export const MAX_NICKNAME_LENGTH = 24;
export const MAX_ROOM_NAME_LENGTH = rules.roomNameMaxLength;
export const MAX_CLIENT_ID_LENGTH = 64;

// Letters and digits of any script, plus space, dot, dash and underscore; no leading/trailing space.
const NICKNAME = /^[\p{L}\p{N}._-](?:[\p{L}\p{N} ._-]*[\p{L}\p{N}._-])?$/u;
const ROOM_NAME = new RegExp(rules.roomNamePattern);
const CLIENT_ID = /^[A-Za-z0-9_-]+$/;

export function validateNickname(value: unknown): string {
  const nick = typeof value === 'string' ? value.trim().replace(/\s+/g, ' ') : '';
  const length = [...nick].length;
  if (length === 0 || length > MAX_NICKNAME_LENGTH || !NICKNAME.test(nick)) {
    throw new ChatError(
      'INVALID_NICKNAME',
      `A nickname is 1 to ${MAX_NICKNAME_LENGTH} letters or digits (spaces, ".", "-" and "_" allowed inside).`,
    );
  }
  return nick;
}

/** A username to look up (invitations, direct messages): the account rule, ASCII only. */
export function validateUsername(value: unknown): string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9_.-]{2,24}$/.test(value)) {
    throw new ChatError('UNKNOWN_USER', 'There is no such user.');
  }
  return value;
}

/** Room names are lowercase slugs; a leading "#" typed by the user is accepted and dropped. */
export function validateRoomName(value: unknown): string {
  const name = typeof value === 'string' ? value.trim().replace(/^#/, '').toLowerCase() : '';
  if (name.length === 0 || name.length > MAX_ROOM_NAME_LENGTH || !ROOM_NAME.test(name)) {
    throw new ChatError(
      'INVALID_ROOM_NAME',
      `A room name is 1 to ${MAX_ROOM_NAME_LENGTH} lowercase letters, digits, "-" or "_", starting with a letter or digit.`,
    );
  }
  return name;
}

export function validateMessageText(value: unknown): string {
  if (typeof value !== 'string') throw new ChatError('BAD_REQUEST', 'A message must be text.');
  // Keep the user's own line breaks and indentation; only surrounding blank space is dropped.
  const text = value.replace(/^\s*\n/, '').trimEnd();
  if (text.trim().length === 0) throw new ChatError('EMPTY_MESSAGE', 'Cannot send an empty message.');
  // Counted in code points, as a user counts characters (an emoji is one, not two).
  const length = [...text].length;
  if (length > MAX_MESSAGE_LENGTH) {
    throw new ChatError(
      'MESSAGE_TOO_LONG',
      `Messages are limited to ${MAX_MESSAGE_LENGTH.toLocaleString('en-US')} characters (this one has ${length.toLocaleString('en-US')}).`,
    );
  }
  return text;
}

export function validateClientId(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length > MAX_CLIENT_ID_LENGTH || !CLIENT_ID.test(value)) {
    throw new ChatError('BAD_REQUEST', 'Invalid client message id.');
  }
  return value;
}

/** A message id a client claims to have seen: a non-negative safe integer. */
export function validateMessageId(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ChatError('BAD_REQUEST', `"${field}" must be a message id.`);
  }
  return value;
}

/** The request object of an event, or a BAD_REQUEST error for anything else. */
export function requestObject(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ChatError('BAD_REQUEST', 'The request must be an object.');
  }
  return value as Record<string, unknown>;
}
