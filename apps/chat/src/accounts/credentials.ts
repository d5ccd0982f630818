/** What a sign-up, sign-in or change-password request must carry. */
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
  checkNewPassword(password);
  return { username, password };
}

export interface PasswordChange {
  currentPassword: string;
  newPassword: string;
}

/** A change-password request: the current password as typed, and a new one by the sign-up rules. */
export function parsePasswordChange(body: unknown): PasswordChange {
  const { currentPassword, newPassword } = (typeof body === 'object' && body !== null ? body : {}) as Record<
    string,
    unknown
  >;
  if (typeof currentPassword !== 'string' || typeof newPassword !== 'string') {
    throw new AccountError('BAD_REQUEST', 'Send the current password and a new one.');
  }
  checkNewPassword(newPassword);
  return { currentPassword, newPassword };
}

/** The rule for a password being set (sign-up, change); signing in takes whatever was set. */
function checkNewPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    throw new AccountError(
      'INVALID_PASSWORD',
      `A password is ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters.`,
    );
  }
}
