import { type Socket as ClientSocket, io as connect } from 'socket.io-client';
import { expect, it } from 'vitest';
import type { ChatServer } from '../src/app.js';
import { changePasswordContract } from './change-password-contract.js';
import { once, request, TEST_PASSWORD } from './helpers.js';

export interface StartedChat {
  server: ChatServer;
  url: string;
}

interface Answer {
  status: number;
  body: Record<string, unknown> | undefined;
  cookie: string | null;
}

/** A POST as the chat's page sends it (JSON, same origin), with optional overrides. */
export async function post(
  url: string,
  route: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await fetch(`${url}/api/${route}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: url, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, cookie: res.headers.get('set-cookie') };
}

export async function me(url: string, cookie?: string): Promise<Answer> {
  const res = await fetch(`${url}/api/me`, {
    headers: cookie ? { Cookie: cookie } : {},
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, cookie: null };
}

/** `name=value` of a Set-Cookie header. */
export function cookieOf(answer: Answer): string {
  if (!answer.cookie) throw new Error(`no cookie in answer ${answer.status}`);
  return answer.cookie.split(';', 1)[0];
}

/**
 * The account contract, over real HTTP and real sockets, for a chat on any store. `start` returns a
 * fresh chat (with its own empty store), closed by the caller's teardown.
 */
export function accountsContract(start: () => Promise<StartedChat>, defer: (cleanup: () => unknown) => void): void {
  const client = (url: string, cookie?: string): ClientSocket => {
    const socket = connect(url, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      ...(cookie ? { extraHeaders: { Cookie: cookie } } : {}),
    });
    defer(() => socket.disconnect());
    return socket;
  };

  it('signs up with 201 {user} and an HttpOnly, SameSite=Lax session cookie; /api/me knows it', async () => {
    const { url } = await start();
    const answer = await post(url, 'signup', { username: 'Alice', password: TEST_PASSWORD });
    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({ user: { id: expect.any(String), username: 'Alice', createdAt: expect.any(Number) } });
    const attributes = (answer.cookie ?? '').split(';').map((part) => part.trim());
    expect(attributes[0]).toMatch(/^parley_session=[A-Za-z0-9_-]{43}$/);
    expect(attributes).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Lax', 'Path=/']));
    expect(attributes).not.toContain('Secure');
    expect((await me(url, cookieOf(answer))).body).toEqual({ user: answer.body?.user });
    expect((await me(url)).status).toBe(401);
    expect((await me(url, 'parley_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).status).toBe(401);
  });

  it('marks the cookie Secure when the request came over HTTPS (through a trusted proxy)', async () => {
    const { url } = await start();
    const answer = await post(
      url,
      'signup',
      { username: 'sec', password: TEST_PASSWORD },
      { 'X-Forwarded-Proto': 'https', 'X-Forwarded-For': '192.0.2.1' },
    );
    expect(answer.status).toBe(201);
    expect((answer.cookie ?? '').split(';').map((part) => part.trim())).toContain('Secure');
  });

  it('refuses a taken username, case-insensitively, with 409 USERNAME_TAKEN', async () => {
    const { url } = await start();
    expect((await post(url, 'signup', { username: 'alice', password: TEST_PASSWORD })).status).toBe(201);
    for (const username of ['alice', 'ALICE', 'Alice']) {
      const answer = await post(url, 'signup', { username, password: 'another password' });
      expect(answer.status).toBe(409);
      expect(answer.body).toMatchObject({ error: { code: 'USERNAME_TAKEN' } });
      expect(answer.cookie).toBeNull();
    }
  });

  it('refuses invalid usernames (look-alikes included) and short passwords with 400', async () => {
    const { url } = await start();
    for (const username of ['a', 'x'.repeat(25), 'аlice', 'al ice', 'al@ce', 'zoë', '', 42]) {
      const answer = await post(url, 'signup', { username, password: TEST_PASSWORD });
      expect(answer.status, String(username)).toBe(400);
      expect(answer.cookie).toBeNull();
    }
    const short = await post(url, 'signup', { username: 'bob', password: '1234567' });
    expect(short.status).toBe(400);
    expect(short.body).toMatchObject({ error: { code: 'INVALID_PASSWORD' } });
    expect((await post(url, 'signup', { username: 'bob', password: '12345678' })).status).toBe(201);
    expect((await post(url, 'signup', 'not json')).status).toBe(400);
  });

  it('signs in with 200 and a new cookie; wrong credentials get 401 BAD_CREDENTIALS', async () => {
    const { url } = await start();
    await post(url, 'signup', { username: 'alice', password: TEST_PASSWORD });
    const ok = await post(url, 'login', { username: 'ALICE', password: TEST_PASSWORD });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ user: { username: 'alice' } });
    expect((await me(url, cookieOf(ok))).status).toBe(200);
    for (const body of [
      { username: 'alice', password: 'wrong password' },
      { username: 'nobody', password: TEST_PASSWORD },
    ]) {
      const bad = await post(url, 'login', body);
      expect(bad.status).toBe(401);
      expect(bad.body).toMatchObject({ error: { code: 'BAD_CREDENTIALS' } });
      expect(bad.cookie).toBeNull();
    }
  });

  it('answers 429 after repeated failures for one username, and for one address', async () => {
    const { url } = await start();
    await post(url, 'signup', { username: 'alice', password: TEST_PASSWORD });
    const from = (address: string) => ({ 'X-Forwarded-For': address });
    // Five failures on one name from five addresses: the name is locked, even with the right password.
    for (let i = 0; i < 5; i++) {
      expect(
        (await post(url, 'login', { username: 'alice', password: `nope-${i}xx` }, from(`192.0.2.${i}`))).status,
      ).toBe(401);
    }
    const locked = await post(url, 'login', { username: 'alice', password: TEST_PASSWORD }, from('192.0.2.99'));
    expect(locked.status).toBe(429);
    expect(locked.body).toMatchObject({ error: { code: 'TOO_MANY_ATTEMPTS' } });
    // Twenty failures from one address over many names: that address is locked for any name.
    await post(url, 'signup', { username: 'bob', password: TEST_PASSWORD });
    for (let i = 0; i < 20; i++) {
      expect(
        (await post(url, 'login', { username: `guess${i}`, password: 'whatever1' }, from('198.51.100.7'))).status,
      ).toBe(401);
    }
    expect((await post(url, 'login', { username: 'bob', password: TEST_PASSWORD }, from('198.51.100.7'))).status).toBe(
      429,
    );
    expect((await post(url, 'login', { username: 'bob', password: TEST_PASSWORD }, from('198.51.100.8'))).status).toBe(
      200,
    );
  });

  it('accepts POSTs only as application/json from the chat’s own origin (CSRF)', async () => {
    const { url } = await start();
    const body = { username: 'alice', password: TEST_PASSWORD };
    const form = await post(url, 'signup', 'username=alice&password=x', {
      'Content-Type': 'application/x-www-form-urlencoded',
    });
    expect(form.status).toBe(415);
    const plain = await post(url, 'signup', JSON.stringify(body), { 'Content-Type': 'text/plain' });
    expect(plain.status).toBe(415);
    const evil = await post(url, 'signup', body, { Origin: 'https://evil.example' });
    expect(evil.status).toBe(403);
    expect(evil.body).toMatchObject({ error: { code: 'FORBIDDEN_ORIGIN' } });
    expect((await post(url, 'signup', body)).status).toBe(201);
    const cookie = cookieOf(await post(url, 'login', body));
    expect((await post(url, 'logout', {}, { Cookie: cookie, Origin: 'https://evil.example' })).status).toBe(403);
    expect((await me(url, cookie)).status).toBe(200);
  });

  it('refuses a realtime connection without a live session: connect_error UNAUTHENTICATED', async () => {
    const { url } = await start();
    for (const cookie of [undefined, 'parley_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA']) {
      const error = await once<Error & { data?: { code: string } }>(client(url, cookie), 'connect_error');
      expect(error.data).toEqual({ code: 'UNAUTHENTICATED' });
    }
  });

  it('speaks for the session’s user whatever the client claims to be', async () => {
    const { url } = await start();
    const alice = client(url, cookieOf(await post(url, 'signup', { username: 'alice', password: TEST_PASSWORD })));
    await once(alice, 'connect');
    const mallory = connect(url, {
      auth: { nick: 'alice', username: 'alice', userId: '1' },
      extraHeaders: { Cookie: cookieOf(await post(url, 'signup', { username: 'mallory', password: TEST_PASSWORD })) },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    defer(() => mallory.disconnect());
    await once(mallory, 'connect');
    await request(alice, 'room:join', { room: 'general' });
    const joined = await request<{ users: string[] }>(mallory, 'room:join', { room: 'general' });
    expect(joined.users).toEqual(['alice', 'mallory']);
    const sent = await request<{ message: Record<string, unknown> }>(mallory, 'message:send', {
      room: 'general',
      text: 'I am alice',
      nick: 'alice',
      username: 'alice',
    });
    expect(sent.message).toMatchObject({ nick: 'mallory', username: 'mallory', userId: expect.any(String) });
    const login = await post(url, 'login', { username: 'alice', password: TEST_PASSWORD });
    const aliceId = (login.body as { user: { id: string } }).user.id;
    expect(sent.message.userId).not.toBe(aliceId);
  });

  it('signs out: the session dies on the server and its sockets are disconnected; other sessions live on', async () => {
    const { url } = await start();
    const first = cookieOf(await post(url, 'signup', { username: 'alice', password: TEST_PASSWORD }));
    const second = cookieOf(await post(url, 'login', { username: 'alice', password: TEST_PASSWORD }));
    const tab1 = client(url, first);
    const tab2 = client(url, first);
    const other = client(url, second);
    await Promise.all([once(tab1, 'connect'), once(tab2, 'connect'), once(other, 'connect')]);
    const dropped = Promise.all([tab1, tab2].map((socket) => once<string>(socket, 'disconnect')));
    const out = await post(url, 'logout', {}, { Cookie: first });
    expect(out.status).toBe(204);
    expect(out.cookie).toMatch(/^parley_session=; .*Max-Age=0/);
    expect(await dropped).toEqual(['io server disconnect', 'io server disconnect']);
    expect((await me(url, first)).status).toBe(401);
    const again = await once<Error & { data?: { code: string } }>(client(url, first), 'connect_error');
    expect(again.data).toEqual({ code: 'UNAUTHENTICATED' });
    // The other session (another device) is untouched.
    expect(other.connected).toBe(true);
    expect((await request(other, 'rooms:list')).ok).toBe(true);
    expect((await me(url, second)).status).toBe(200);
  });

  changePasswordContract(start, defer);
}
