/**
 * `withCredentials` in Node: the cookies a server sets (a load balancer's sticky-session cookie,
 * socket.io's `cookie` option) go back on the session's later requests and on its WebSocket, as
 * socket.io-client does in Node. Browsers keep cookies themselves, so the browser bundle never
 * creates one (and drops this module). Cookies are kept by name, without domain or path
 * matching: one jar serves one Engine.IO session, which talks to one origin.
 */
export class CookieJar {
  /** value and expiry time (ms since the epoch; Infinity for a session cookie), by name */
  readonly #cookies = new Map<string, { value: string; expires: number }>();

  /** Takes a response's Set-Cookie headers. */
  store(setCookies: readonly string[]): void {
    for (const line of setCookies) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq < 1) continue;
      let maxAge: number | undefined;
      let expires = Infinity;
      for (const attribute of attributes) {
        const at = attribute.indexOf('=');
        if (at === -1) continue; // a flag (Secure, HttpOnly): nothing the jar needs
        const key = attribute.slice(0, at).trim().toLowerCase();
        const value = attribute.slice(at + 1).trim();
        if (key === 'max-age' && /^-?\d+$/.test(value)) maxAge = Number(value);
        // an unparsable date counts as past: a deletion must never become a cookie kept forever
        else if (key === 'expires') expires = Date.parse(value) || 0;
      }
      // Max-Age wins over Expires (RFC 6265 5.3); zero or less deletes the cookie
      if (maxAge !== undefined) expires = maxAge > 0 ? Date.now() + maxAge * 1000 : 0;
      this.#cookies.set(pair.slice(0, eq).trim(), { value: pair.slice(eq + 1).trim(), expires });
    }
  }

  /** Adds the Cookie header to `headers` (after a cookie the app set itself), without expired cookies. */
  apply(headers: Record<string, string>): Record<string, string> {
    const pairs = headers.cookie ? [headers.cookie] : [];
    for (const [name, { value, expires }] of this.#cookies) {
      if (expires <= Date.now()) this.#cookies.delete(name);
      else pairs.push(`${name}=${value}`);
    }
    if (pairs.length) headers.cookie = pairs.join('; ');
    return headers;
  }
}
