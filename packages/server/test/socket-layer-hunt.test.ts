/**
 * Socket-layer scenarios where Parley once differed from the official socket.io server, run
 * side by side on both with the official socket.io-client: the official behaviour is the spec.
 */
import { type Socket as ClientSocket, io as ioc } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { IMPLEMENTATIONS, onTeardown, startSideBySide } from './support/side-by-side.js';
import { waitFor, within } from './support/wait.js';

// biome-ignore lint/suspicious/noExplicitAny: the same scenario drives two server implementations
type AnySocket = any;

/** A client that reconnects quickly, so that a dropped transport comes back within the test. */
function reconnectingClient(url: string): ClientSocket {
  const socket = ioc(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnectionDelay: 20,
    reconnectionDelayMax: 40,
  });
  onTeardown(() => socket.disconnect());
  return socket;
}

/**
 * A recovery-enabled server whose middleware records what it sees of each socket and refuses
 * when `refuseNext` is set; `sockets` are the connected ones, in order.
 */
async function recoveringServer(factory: (typeof IMPLEMENTATIONS)[number][1]) {
  const { io, url } = await startSideBySide(factory, {
    connectionStateRecovery: { maxDisconnectionDuration: 10_000, skipMiddlewares: false },
  });
  const state = { refuseNext: false, seen: [] as Array<{ recovered: boolean; rooms: string[]; data: unknown }> };
  const sockets: AnySocket[] = [];
  io.use((socket: AnySocket, next: (err?: Error) => void) => {
    state.seen.push({ recovered: socket.recovered, rooms: [...socket.rooms], data: socket.data });
    const refuse = state.refuseNext;
    state.refuseNext = false;
    next(refuse ? new Error('try again later') : undefined);
  });
  io.on('connection', (socket: AnySocket) => sockets.push(socket));
  return { io, url, state, sockets };
}

/** Gives the client an offset (recovery needs one), then drops its transport from the server. */
async function dropAfterOneEvent(io: AnySocket, client: ClientSocket, socket: AnySocket): Promise<void> {
  const received = waitFor(client, 'news');
  io.emit('news', 'first');
  await received;
  const dropped = waitFor(socket, 'disconnect');
  socket.conn.close();
  await dropped;
}

describe.each(IMPLEMENTATIONS)('%s', (_name, factory) => {
  it("a restored socket is in its rooms, with its data, while the namespace's middlewares run", async () => {
    const { io, url, state, sockets } = await recoveringServer(factory);
    const client = reconnectingClient(url);
    await waitFor(client, 'connect');
    sockets[0].join('team');
    sockets[0].data = { user: 'ada' };
    await dropAfterOneEvent(io, client, sockets[0]);
    await within(waitFor(client, 'connect'), 5000, 'the reconnection');
    expect(client.recovered).toBe(true);
    expect(state.seen[1]).toEqual({ recovered: true, rooms: [sockets[0].id, 'team'], data: { user: 'ada' } });
    expect([...sockets[1].rooms]).toEqual([sockets[0].id, 'team']);
  });

  it('a recovery that a middleware refused succeeds on the next attempt', async () => {
    const { io, url, state, sockets } = await recoveringServer(factory);
    const client = reconnectingClient(url);
    await waitFor(client, 'connect');
    const firstId = client.id;
    sockets[0].join('team');
    sockets[0].data = { user: 'ada' };
    await dropAfterOneEvent(io, client, sockets[0]);
    state.refuseNext = true;
    const [err] = await within(waitFor<[Error]>(client, 'connect_error'), 5000, 'the refusal');
    expect(err.message).toBe('try again later');
    // A refused CONNECT does not reconnect by itself: the application tries again.
    client.connect();
    await within(waitFor(client, 'connect'), 5000, 'the second attempt');
    expect(client.recovered).toBe(true);
    expect(client.id).toBe(firstId);
    expect(sockets[1].recovered).toBe(true);
    expect(sockets[1].data).toEqual({ user: 'ada' });
    expect([...sockets[1].rooms]).toEqual([firstId, 'team']);
    const news = waitFor(client, 'news');
    io.to('team').emit('news', 'to the team');
    expect((await within(news, 5000, 'a room broadcast'))[0]).toBe('to the team');
  });

  it('a refused recovery leaves the restored rooms again, with the adapter announcing it', async () => {
    const { io, url, state, sockets } = await recoveringServer(factory);
    const client = reconnectingClient(url);
    await waitFor(client, 'connect');
    sockets[0].join('team');
    await dropAfterOneEvent(io, client, sockets[0]);
    const events: unknown[][] = [];
    for (const event of ['create-room', 'join-room', 'leave-room', 'delete-room']) {
      io.of('/').adapter.on(event, (...args: unknown[]) => events.push([event, ...args]));
    }
    state.refuseNext = true;
    await within(waitFor(client, 'connect_error'), 5000, 'the refusal');
    const id = sockets[0].id;
    expect(events).toEqual([
      ['create-room', id],
      ['join-room', id, id],
      ['create-room', 'team'],
      ['join-room', 'team', id],
      ['leave-room', id, id],
      ['delete-room', id],
      ['leave-room', 'team', id],
      ['delete-room', 'team'],
    ]);
    expect(io.of('/').adapter.rooms.size).toBe(0);
  });
});

describe('parley', () => {
  const [, parley] = IMPLEMENTATIONS[0];

  it('a session already restored is not restored a second time while its socket is connected', async () => {
    const { io, url, sockets } = await recoveringServer(parley);
    const client = reconnectingClient(url);
    await waitFor(client, 'connect');
    await dropAfterOneEvent(io, client, sockets[0]);
    await within(waitFor(client, 'connect'), 5000, 'the reconnection');
    expect(client.recovered).toBe(true);
    // socket.io-client's own record of the session, presented again by a second client.
    const { _pid: pid, _lastOffset: offset } = client as unknown as { _pid: string; _lastOffset: string };
    const copy = ioc(url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { pid, offset } });
    onTeardown(() => copy.disconnect());
    await within(waitFor(copy, 'connect'), 5000, 'the second client');
    expect(copy.recovered).toBe(false);
    expect(copy.id).not.toBe(client.id);
    expect(io.of('/').sockets.size).toBe(2);
  });
});
