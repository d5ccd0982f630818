import { type Socket as ClientSocket, io as connect } from 'socket.io-client';
import { expect, it } from 'vitest';
import { cookieOf, me, post, type StartedChat } from './accounts-contract.js';
import { once, request, TEST_PASSWORD } from './helpers.js';

const NEW_PASSWORD = 'purple staple galaxy';

/**
 * POST /api/password over real HTTP and real sockets, for a chat on any store (run from the
 * accounts contract, so on SQLite and PostgreSQL).
 */
export function changePasswordContract(
  start: () => Promise<StartedChat>,
  defer: (cleanup: () => unknown) => void,
): void {
  const client = (url: string, cookie: string): ClientSocket => {
    const socket = connect(url, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      extraHeaders: { Cookie: cookie },
    });
    defer(() => socket.disconnect());
    return socket;
  };
  const change = (url: string, cookie: string | undefined, body: unknown, headers: Record<string, string> = {}) =>
    post(url, 'password', body, { ...(cookie ? { Cookie: cookie } : {}), ...headers });

  it('changes the password: the old one stops working, other sessions end, this one lives on', async () => {
    const { url } = await start();
    const here = cookieOf(await post(url, 'signup', { username: 'alice', password: TEST_PASSWORD }));
    const elsewhere = cookieOf(await post(url, 'login', { username: 'alice', password: TEST_PASSWORD }));
    const bob = cookieOf(await post(url, 'signup', { username: 'bob', password: TEST_PASSWORD }));
    const tab = client(url, here);
    const device = client(url, elsewhere);
    const bobTab = client(url, bob);
    await Promise.all([once(tab, 'connect'), once(device, 'connect'), once(bobTab, 'connect')]);

    const wrong = await change(url, here, { currentPassword: 'not my password', newPassword: NEW_PASSWORD });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ error: { code: 'BAD_CREDENTIALS' } });
    const short = await change(url, here, { currentPassword: TEST_PASSWORD, newPassword: '1234567' });
    expect(short.status).toBe(400);
    expect(short.body).toMatchObject({ error: { code: 'INVALID_PASSWORD' } });
    // Neither refusal changed anything.
    expect(device.connected).toBe(true);
    expect((await me(url, elsewhere)).status).toBe(200);

    const dropped = once<string>(device, 'disconnect');
    const ok = await change(url, here, { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD });
    expect(ok.status).toBe(204);
    expect(ok.body).toBeUndefined();
    expect(ok.cookie).toBeNull(); // the current session keeps its cookie
    expect(await dropped).toBe('io server disconnect');
    expect((await me(url, elsewhere)).status).toBe(401);
    const refused = await once<Error & { data?: { code: string } }>(client(url, elsewhere), 'connect_error');
    expect(refused.data).toEqual({ code: 'UNAUTHENTICATED' });

    // The session that changed it works on, over HTTP and over its socket; other accounts are untouched.
    expect((await me(url, here)).body).toMatchObject({ user: { username: 'alice' } });
    expect(tab.connected).toBe(true);
    expect((await request(tab, 'rooms:list')).ok).toBe(true);
    expect(bobTab.connected).toBe(true);
    expect((await me(url, bob)).status).toBe(200);

    const old = await post(url, 'login', { username: 'alice', password: TEST_PASSWORD });
    expect(old.status).toBe(401);
    expect(old.body).toMatchObject({ error: { code: 'BAD_CREDENTIALS' } });
    const fresh = await post(url, 'login', { username: 'alice', password: NEW_PASSWORD });
    expect(fresh.status).toBe(200);
    expect((await me(url, cookieOf(fresh))).status).toBe(200);
  });

  it('answers 401 UNAUTHENTICATED without a live session, and 400 for a malformed request', async () => {
    const { url } = await start();
    const cookie = cookieOf(await post(url, 'signup', { username: 'alice', password: TEST_PASSWORD }));
    const body = { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD };
    for (const without of [undefined, 'parley_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA']) {
      const answer = await change(url, without, body);
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    }
    for (const bad of [{}, { currentPassword: TEST_PASSWORD }, { currentPassword: 1, newPassword: NEW_PASSWORD }]) {
      expect((await change(url, cookie, bad)).body).toMatchObject({ error: { code: 'BAD_REQUEST' } });
    }
    expect((await change(url, cookie, 'not json')).status).toBe(400);
    // A signed-out session cannot change it either.
    expect((await post(url, 'logout', {}, { Cookie: cookie })).status).toBe(204);
    expect((await change(url, cookie, body)).status).toBe(401);
    expect((await post(url, 'login', { username: 'alice', password: TEST_PASSWORD })).status).toBe(200);
  });

  it('guards the route against CSRF like the other POST routes', async () => {
    const { url } = await start();
    const cookie = cookieOf(await post(url, 'signup', { username: 'alice', password: TEST_PASSWORD }));
    const body = { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD };
    const evil = await change(url, cookie, body, { Origin: 'https://evil.example' });
    expect(evil.status).toBe(403);
    expect(evil.body).toMatchObject({ error: { code: 'FORBIDDEN_ORIGIN' } });
    const form = await change(url, cookie, 'currentPassword=x&newPassword=y', {
      'Content-Type': 'application/x-www-form-urlencoded',
    });
    expect(form.status).toBe(415);
    expect((await post(url, 'login', { username: 'alice', password: TEST_PASSWORD })).status).toBe(200);
  });

  it('counts a wrong current password as a failed sign-in: no faster way to guess', async () => {
    const { url } = await start();
    const cookie = cookieOf(await post(url, 'signup', { username: 'alice', password: TEST_PASSWORD }));
    const from = { 'X-Forwarded-For': '192.0.2.50' };
    // Three wrong guesses here and two at sign-in make the five a username is allowed.
    for (let i = 0; i < 3; i++) {
      const guess = await change(url, cookie, { currentPassword: `guess-${i}xx`, newPassword: NEW_PASSWORD }, from);
      expect(guess.status).toBe(401);
    }
    for (let i = 0; i < 2; i++) {
      expect((await post(url, 'login', { username: 'alice', password: `nope-${i}xxx` }, from)).status).toBe(401);
    }
    const locked = await change(url, cookie, { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD }, from);
    expect(locked.status).toBe(429);
    expect(locked.body).toMatchObject({ error: { code: 'TOO_MANY_ATTEMPTS' } });
    const other = { 'X-Forwarded-For': '203.0.113.9' };
    expect((await post(url, 'login', { username: 'alice', password: TEST_PASSWORD }, other)).status).toBe(429);
  });
}
