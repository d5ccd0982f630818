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
  partitioned?: boolean;
  priority?: 'low' | 'medium' | 'high';
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const PRIORITIES: Readonly<Record<string, string>> = { low: 'Low', medium: 'Medium', high: 'High' };
const SAME_SITE: Readonly<Record<string, string>> = { lax: 'Lax', strict: 'Strict', none: 'None' };

/**
 * Serializes `name=value; attributes` for a Set-Cookie header, with the attributes in the order
 * engine.io's serializer (the `cookie` package) writes them.
 */
export function serializeSessionCookie(value: string, options: CookieOptions): string {
  const name = options.name ?? 'io';
  if (!TOKEN.test(name)) throw new TypeError(`invalid cookie name "${name}"`);
  const path = options.path === undefined ? '/' : options.path;
  let cookie = `${name}=${encodeURIComponent(value)}`;
  if (options.maxAge !== undefined) cookie += `; Max-Age=${Math.floor(options.maxAge)}`;
  if (options.domain) cookie += `; Domain=${options.domain}`;
  if (path !== false) cookie += `; Path=${path}`;
  if (options.expires) cookie += `; Expires=${options.expires.toUTCString()}`;
  if (options.httpOnly ?? path !== false) cookie += '; HttpOnly';
  if (options.secure) cookie += '; Secure';
  if (options.partitioned) cookie += '; Partitioned';
  if (options.priority !== undefined) {
    const priority = PRIORITIES[String(options.priority).toLowerCase()];
    if (priority === undefined) throw new TypeError(`invalid cookie priority "${options.priority}"`);
    cookie += `; Priority=${priority}`;
  }
  const sameSite = options.sameSite ?? 'lax';
  if (sameSite === true) cookie += '; SameSite=Strict';
  else if (sameSite !== false) {
    const attribute = SAME_SITE[String(sameSite).toLowerCase()];
    if (attribute === undefined) throw new TypeError(`invalid cookie sameSite "${sameSite}"`);
    cookie += `; SameSite=${attribute}`;
  }
  return cookie;
}
