/**
 * Session ids that name their node: `<tag>.<random>`, where the tag (8 URL-safe characters)
 * identifies the node that opened the session and the random part keeps the engine's full
 * 120 bits. Any node reads the owner from the id itself, so routing a request costs no Redis
 * round trip. Clients treat the id as opaque; `.` and the base64url alphabet need no escaping
 * in a URL or a cookie.
 */
import { randomBytes } from 'node:crypto';
import { generateId } from '@parley/server/engine';

const TAG_BYTES = 6;
const TAG_LENGTH = 8;
const SEPARATOR = '.';

/** A new random node tag. */
export function newNodeTag(): string {
  return randomBytes(TAG_BYTES).toString('base64url');
}

/** A new session id owned by the node `tag`. */
export function taggedId(tag: string): string {
  return `${tag}${SEPARATOR}${generateId()}`;
}

/** The tag of the node that owns `sid`; undefined for an id of another shape. */
export function tagOf(sid: string): string | undefined {
  if (sid.length <= TAG_LENGTH + 1 || sid[TAG_LENGTH] !== SEPARATOR) return undefined;
  return sid.slice(0, TAG_LENGTH);
}
