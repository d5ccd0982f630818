/**
 * The session cookie the `cookie` option sets on the handshake response (as engine.io does:
 * name `io`, path `/`, HttpOnly, SameSite=Lax unless told otherwise).
 */
export interface CookieOptions {
  name?: string;
  /** `false` omits the Path attribute (and then HttpOnly defaults to false, as in engine.io). */
  path?: string | false;
  httpOnly?: boolean;
  sameSite?: 'lax' | 'strict' | 'none' | boolean;
  secure?: boolean;
  domain?: string;
  /** Seconds. */
  maxAge?: number;
  expires?: Date;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Serializes `name=value; attributes` for a Set-Cookie header. */
export function serializeSessionCookie(value: string, options: CookieOptions): string {
  const name = options.name ?? 'io';
  if (!TOKEN.test(name)) throw new TypeError(`invalid cookie name "${name}"`);
  const path = options.path === undefined ? '/' : options.path;
  let cookie = `${name}=${encodeURIComponent(value)}`;
  if (path !== false) cookie += `; Path=${path}`;
  if (options.domain) cookie += `; Domain=${options.domain}`;
  if (options.maxAge !== undefined) cookie += `; Max-Age=${Math.floor(options.maxAge)}`;
  if (options.expires) cookie += `; Expires=${options.expires.toUTCString()}`;
  if (options.httpOnly ?? path !== false) cookie += '; HttpOnly';
  if (options.secure) cookie += '; Secure';
  const sameSite = options.sameSite ?? 'lax';
  if (sameSite === true || sameSite === 'strict') cookie += '; SameSite=Strict';
  else if (sameSite === 'lax') cookie += '; SameSite=Lax';
  else if (sameSite === 'none') cookie += '; SameSite=None';
  return cookie;
}
