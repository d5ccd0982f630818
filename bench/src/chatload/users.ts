/**
 * The chat's users for a load run: accounts made through `POST /api/signup` (the real route, with
 * its scrypt hashing), each connected once with the official socket.io-client carrying its session
 * cookie, each in one room. Rooms are created by their first member through `room:create`.
 */
import { io, type Socket } from 'socket.io-client';
import { BenchError } from '../errors.js';

/** Sign-ups in flight: each costs the chat a scrypt hash on its thread pool. */
const SIGNUP_CONCURRENCY = 8;
const CONNECT_CONCURRENCY = 32;
const REQUEST_TIMEOUT_MS = 20_000;

export interface LoadUser {
  index: number;
  username: string;
  room: string;
  socket: Socket;
}

export class ChatLoadError extends BenchError<'CHAT_LOAD'> {
  constructor(message: string) {
    super('CHAT_LOAD', message);
  }
}

export const roomName = (index: number) => `load-${index}`;

async function inBatches<T>(count: number, concurrency: number, work: (index: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      results[index] = await work(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

async function signUp(baseUrl: string, username: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: `load-password-${username}` }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  if (response.status !== 201) {
    throw new ChatLoadError(`sign-up of ${username} answered ${response.status}: ${await response.text()}`);
  }
  const cookie = (response.headers.get('set-cookie') ?? '').split(';', 1)[0];
  if (!cookie.includes('=')) throw new ChatLoadError(`sign-up of ${username} set no session cookie`);
  return cookie;
}

function connect(baseUrl: string, cookie: string): Promise<Socket> {
  const socket = io(baseUrl, {
    transports: ['websocket'],
    extraHeaders: { Cookie: cookie },
    reconnection: false,
    forceNew: true,
    timeout: REQUEST_TIMEOUT_MS,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(new ChatLoadError(`a signed-in client could not connect: ${error.message}`));
    });
  });
}

/** Sends a request and waits for its `{ ok, … }` ack; a refusal becomes an error. */
export async function request(socket: Socket, event: string, payload: object): Promise<Record<string, unknown>> {
  const reply = (await socket.timeout(REQUEST_TIMEOUT_MS).emitWithAck(event, payload)) as {
    ok: boolean;
    error?: { code: string; message: string };
  };
  if (!reply.ok) throw new ChatLoadError(`${event} was refused: ${reply.error?.code} ${reply.error?.message}`);
  return reply as Record<string, unknown>;
}

/**
 * Signs up `users` accounts (names unique per run), connects each, creates `rooms` rooms and puts
 * user i in room i mod rooms. Resolves once every user has joined.
 */
export async function prepareUsers(baseUrl: string, users: number, rooms: number): Promise<LoadUser[]> {
  const prefix = `l${Date.now().toString(36).slice(-5)}`;
  const cookies = await inBatches(users, SIGNUP_CONCURRENCY, (index) => signUp(baseUrl, `${prefix}_${index}`));
  const sockets = await inBatches(users, CONNECT_CONCURRENCY, (index) => connect(baseUrl, cookies[index]));
  const loadUsers = sockets.map(
    (socket, index): LoadUser => ({ index, username: `${prefix}_${index}`, room: roomName(index % rooms), socket }),
  );
  // The first member of each room creates it (the create budget is per user: one room each).
  await inBatches(rooms, CONNECT_CONCURRENCY, (index) =>
    request(sockets[index], 'room:create', { room: roomName(index) }),
  );
  await inBatches(users, CONNECT_CONCURRENCY, (index) =>
    request(sockets[index], 'room:join', { room: loadUsers[index].room }),
  );
  return loadUsers;
}

export function disconnectAll(users: readonly LoadUser[]): void {
  for (const user of users) user.socket.close();
}
