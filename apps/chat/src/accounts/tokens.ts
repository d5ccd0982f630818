/** Session tokens: 32 random bytes for the cookie; only their SHA-256 is stored. */
import { createHash, randomBytes } from 'node:crypto';

export const SESSION_COOKIE = 'parley_session';
/** How long a session lasts after sign-in. */
export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;

export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

/** A database leak then yields no usable cookie: the token cannot be recovered from its hash. */
export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The session token in a Cookie header, if any (well-formed tokens only). */
export function sessionTokenFrom(cookieHeader: string | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    if (/^[A-Za-z0-9_-]{43}$/.test(value)) return value;
  }
  return undefined;
}

/** The Set-Cookie value for a session (an empty token with Max-Age=0 clears it). */
export function sessionCookie(token: string, options: { secure: boolean; maxAgeMs: number }): string {
  return [
    `${SESSION_COOKIE}=${token}`,
    'HttpOnly',
    'SameSite=Lax',
    'Path=/',
    `Max-Age=${Math.floor(options.maxAgeMs / 1000)}`,
    ...(options.secure ? ['Secure'] : []),
  ].join('; ');
}
