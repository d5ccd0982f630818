/**
 * The account service: sign-up, sign-in, password change, sign-out and session lookup over the chat's store. The
 * HTTP routes (routes.ts) and the realtime handshake (socket-auth.ts) both go through it.
 */
import type { ChatStore, SessionInfo, User } from '../store/index.js';
import { type Credentials, parseCredentials, parsePasswordChange } from './credentials.js';
import { AccountError } from './errors.js';
import { LoginThrottle, type ThrottleLimits } from './login-throttle.js';
import { decoyRecord, hashPassword, verifyPassword } from './passwords.js';
import { hashSessionToken, newSessionToken, SESSION_TTL_MS } from './tokens.js';

export interface SignedIn {
  user: User;
  /** The cookie value; only its hash is stored. */
  token: string;
  expiresAt: number;
}

export interface AccountsOptions {
  throttle?: Partial<ThrottleLimits>;
  sessionTtlMs?: number;
}

export class Accounts {
  readonly #store: ChatStore;
  readonly #throttle: LoginThrottle;
  readonly #sessionTtlMs: number;

  constructor(store: ChatStore, options: AccountsOptions = {}) {
    this.#store = store;
    this.#throttle = new LoginThrottle(options.throttle);
    this.#sessionTtlMs = options.sessionTtlMs ?? SESSION_TTL_MS;
  }

  async signUp(body: unknown): Promise<SignedIn> {
    const { username, password } = parseCredentials(body, 'signup');
    const user = await this.#store.createUser({
      username,
      passwordHash: await hashPassword(password),
      createdAt: Date.now(),
    });
    if (!user) throw new AccountError('USERNAME_TAKEN', `The username @${username} is taken.`);
    return this.#openSession(user);
  }

  async signIn(body: unknown, address: string): Promise<SignedIn> {
    const { username, password }: Credentials = parseCredentials(body, 'login');
    const wait = this.#throttle.retryAfter(username, address, Date.now());
    if (wait > 0) throw new AccountError('TOO_MANY_ATTEMPTS', 'Too many failed sign-ins. Try again later.', wait);
    const found = await this.#store.findUserCredentials(username);
    // Unknown users cost one scrypt too, so timing does not tell which usernames exist.
    const matches = await verifyPassword(password, found?.passwordHash ?? (await decoyRecord()));
    if (!found || !matches) {
      this.#throttle.recordFailure(username, address, Date.now());
      throw new AccountError('BAD_CREDENTIALS', 'Wrong username or password.');
    }
    this.#throttle.recordSuccess(username);
    return this.#openSession(found.user);
  }

  /**
   * Changes the signed-in account's password, once the current one is verified as a sign-in would
   * (a wrong one counts as a failed sign-in, so this is no faster way to guess), and ends every
   * other session of the account: a stolen cookie dies with the old password. Returns the ids of
   * the ended sessions, to disconnect their sockets.
   */
  async changePassword(token: string | undefined, body: unknown, address: string): Promise<string[]> {
    const session = await this.session(token);
    if (!session || token === undefined) throw new AccountError('UNAUTHENTICATED', 'Not signed in.');
    const { currentPassword, newPassword } = parsePasswordChange(body);
    const { username } = session.user;
    const wait = this.#throttle.retryAfter(username, address, Date.now());
    if (wait > 0) throw new AccountError('TOO_MANY_ATTEMPTS', 'Too many wrong passwords. Try again later.', wait);
    const found = await this.#store.findUserCredentials(username);
    if (!found || !(await verifyPassword(currentPassword, found.passwordHash))) {
      this.#throttle.recordFailure(username, address, Date.now());
      throw new AccountError('BAD_CREDENTIALS', 'The current password is wrong.');
    }
    this.#throttle.recordSuccess(username);
    return this.#store.changePassword(found.user.id, await hashPassword(newPassword), hashSessionToken(token));
  }

  /** Ends the session; returns its id (to disconnect its sockets), or null if it was not live. */
  signOut(token: string): Promise<string | null> {
    return this.#store.deleteSession(hashSessionToken(token));
  }

  session(token: string | undefined): Promise<SessionInfo | null> {
    if (token === undefined) return Promise.resolve(null);
    return this.#store.findSession(hashSessionToken(token), Date.now());
  }

  async #openSession(user: User): Promise<SignedIn> {
    const token = newSessionToken();
    const now = Date.now();
    const expiresAt = now + this.#sessionTtlMs;
    await this.#store.createSession({ tokenHash: hashSessionToken(token), userId: user.id, createdAt: now, expiresAt });
    return { user, token, expiresAt };
  }
}

/** The room every socket of a session joins, so sign-out can disconnect them on every node. */
export function sessionRoom(sessionId: string): string {
  return `session:${sessionId}`;
}

/** The room every socket of an account joins, so the account can be told things on any node. */
export function userRoom(userId: string): string {
  return `user:${userId}`;
}
