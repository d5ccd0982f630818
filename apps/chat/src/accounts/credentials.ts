/** What a sign-up or sign-in request must carry. */
import { AccountError } from './errors.js';

/** ASCII only, so no look-alike (Cyrillic "а" for Latin "a") can pass for another user. */
const USERNAME = /^[A-Za-z0-9_.-]{2,24}$/;
export const MIN_PASSWORD_LENGTH = 8;
/** scrypt takes any length, but a megabyte password would only burn CPU. */
export const MAX_PASSWORD_LENGTH = 200;

export interface Credentials {
  username: string;
  password: string;
}

export function parseCredentials(body: unknown, purpose: 'signup' | 'login'): Credentials {
  const { username, password } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof username !== 'string' || typeof password !== 'string') {
    throw new AccountError('BAD_REQUEST', 'Send a username and a password.');
  }
  if (purpose === 'login') return { username, password };
  if (!USERNAME.test(username)) {
    throw new AccountError(
      'INVALID_USERNAME',
      'A username is 2 to 24 characters: letters a-z, digits, "_", "." or "-".',
    );
  }
  if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    throw new AccountError(
      'INVALID_PASSWORD',
      `A password is ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters.`,
    );
  }
  return { username, password };
}
