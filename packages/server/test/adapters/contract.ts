/**
 * The adapter contract: one suite, run against every adapter (in-memory, @parley/redis-adapter,
 * the official @socket.io/* adapters, and a cluster mixing Parley and socket.io nodes). Official
 * `socket.io-client`s connect to the servers of one cluster; every assertion is on what they
 * observe, or on what the server API (fetchSockets, serverSideEmit) returns.
 */
import { once } from 'node:events';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Socket as ClientSocket, io as ioc, type ManagerOptions, type SocketOptions } from 'socket.io-client';
import { afterEach, expect, it } from 'vitest';
import type { Server, ServerOptions, Socket } from '../../src/index.js';
import { until, WAIT_MS, waitFor } from '../support/wait.js';

// biome-ignore lint/suspicious/noExplicitAny: the suite drives Parley and socket.io servers alike
export type AnyServer = Server<any, any, any, any>;

export interface ClusterNode {
  io: AnyServer;
  url: string;
}

export interface Cluster {
  /** Two servers sharing the adapter (one for the in-memory adapter). */
  nodes: ClusterNode[];
  /** Closes the servers, then what the adapter needed (Redis clients, pools, ...). */
  close(): Promise<void>;
}

export interface AdapterUnderTest {
  /** Starts a fresh cluster whose servers get `opts` (plus the adapter). */
  start(opts: Partial<ServerOptions>): Promise<Cluster>;
  /** Whether a dropped client recovers its session and missed broadcasts (connectionStateRecovery). */
  recovery: boolean;
  /** Only the recovery test applies (an adapter that needs connectionStateRecovery on). */
  recoveryOnly?: boolean;
}

/** An http server on port 0 with the server `make` attaches to it. */
export async function listen(make: (http: HttpServer) => AnyServer): Promise<ClusterNode> {
  const http = createServer();
  const io = make(http);
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  return { io, url: `http://127.0.0.1:${(http.address() as AddressInfo).port}` };
}

const clients: ClientSocket[] = [];
const clusters: Cluster[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.disconnect();
  await Promise.all(clusters.splice(0).map((cluster) => cluster.close()));
});

/** A connected official client of `node`; `auth.name` names it on the server (socket.data.name). */
export async function connect(
  node: ClusterNode,
  name: string,
  opts: Partial<ManagerOptions & SocketOptions> = {},
): Promise<ClientSocket> {
  const client = ioc(node.url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    auth: { name },
    ...opts,
  });
  clients.push(client);
  if (!client.connected) await waitFor(client, 'connect');
  return client;
}

/**
 * Every server's broadcasts reach every other server's clients: probes each direction until a
 * client sees one (subscriptions and stream readers start asynchronously).
 */
async function clusterReady(nodes: ClusterNode[]): Promise<void> {
  for (const from of nodes) {
    for (const to of nodes) {
      if (from === to) continue;
      const probe = await connect(to, 'probe');
      let seen = false;
      probe.on('probe', () => {
        seen = true;
      });
      const deadline = Date.now() + WAIT_MS;
      while (!seen) {
        if (Date.now() > deadline) throw new Error('the cluster never formed');
        from.io.emit('probe');
        // A probe sent before the other side subscribed is lost: send another after a while.
        await until(() => seen, 250, 'probe').catch(() => {});
      }
      probe.disconnect();
    }
  }
  // Requests (fetchSockets, serverSideEmit with ack) need every node to count the others.
  for (const { io } of nodes)
    await until(async () => (await io.of('/').adapter.serverCount()) === nodes.length, WAIT_MS, 'serverCount');
}

/**
 * Broadcasts `end` and waits until every client got it. Sent once the wanted deliveries arrived,
 * it proves the unwanted ones never will: each server relays one publisher's messages in order.
 */
async function endMarker(from: ClusterNode, receivers: ClientSocket[]): Promise<void> {
  const ended = receivers.map((client) => waitFor(client, 'end'));
  from.io.emit('end');
  await Promise.all(ended);
}

/** Received events in order, so a test can prove an event did not come before a later one. */
function record(client: ClientSocket): string[] {
  const events: string[] = [];
  client.onAny((event: string, ...args: unknown[]) => events.push(`${event}:${JSON.stringify(args)}`));
  return events;
}

export function adapterContract(adapter: AdapterUnderTest): void {
  /** Starts a cluster; every socket joins the rooms listed in `auth.rooms` and names itself. */
  async function start(opts: Partial<ServerOptions> = {}): Promise<ClusterNode[]> {
    const cluster = await adapter.start(opts);
    clusters.push(cluster);
    for (const { io } of cluster.nodes) {
      io.on('connection', (socket: Socket) => {
        const auth = socket.handshake.auth as { name?: string; rooms?: string[] };
        socket.data = { name: auth.name };
        if (auth.rooms) socket.join(auth.rooms);
      });
    }
    if (cluster.nodes.length > 1) await clusterReady(cluster.nodes);
    return cluster.nodes;
  }

  if (adapter.recoveryOnly) {
    recoveryTest(adapter, start);
    return;
  }
  const first = (nodes: ClusterNode[]) => nodes[0];
  const last = (nodes: ClusterNode[]) => nodes[nodes.length - 1];

  it('broadcasts to every socket of every server, binary arguments intact', async () => {
    const nodes = await start();
    const a = await connect(first(nodes), 'a');
    const b = await connect(last(nodes), 'b');
    for (const from of nodes) {
      const received = [waitFor(a, 'news'), waitFor(b, 'news')];
      from.io.emit('news', 'text', Buffer.from([1, 2, 3]), { nested: Buffer.from([4]) });
      for (const [text, bytes, nested] of (await Promise.all(received)) as [
        string,
        ArrayBuffer,
        { nested: ArrayBuffer },
      ][]) {
        expect(text).toBe('text');
        expect([...new Uint8Array(bytes)]).toEqual([1, 2, 3]);
        expect([...new Uint8Array(nested.nested)]).toEqual([4]);
      }
    }
  });

  it('reaches the rooms targeted, minus the rooms excepted, on every server', async () => {
    const nodes = await start();
    const inRoom = await connect(first(nodes), 'in', { auth: { name: 'in', rooms: ['r'] } });
    const excepted = await connect(last(nodes), 'excepted', { auth: { name: 'excepted', rooms: ['r', 'x'] } });
    const remoteInRoom = await connect(last(nodes), 'remote', { auth: { name: 'remote', rooms: ['r'] } });
    const outside = await connect(last(nodes), 'outside');
    const logs = [inRoom, excepted, remoteInRoom, outside].map(record);
    const reached = [waitFor(inRoom, 'news'), waitFor(remoteInRoom, 'news')];
    first(nodes).io.to('r').except('x').emit('news', 1);
    await Promise.all(reached);
    await endMarker(first(nodes), [inRoom, excepted, remoteInRoom, outside]);
    expect(logs).toEqual([['news:[1]', 'end:[]'], ['end:[]'], ['news:[1]', 'end:[]'], ['end:[]']]);
  });

  it('emits to one socket of another server by its id, and a socket broadcast skips its sender', async () => {
    const nodes = await start();
    const a = await connect(first(nodes), 'a');
    const b = await connect(last(nodes), 'b');
    const received = waitFor(b, 'direct');
    first(nodes)
      .io.to(b.id as string)
      .emit('direct', 'hi');
    expect(await received).toEqual(['hi']);
    const sender = [...last(nodes).io.of('/').sockets.values()].find((s) => s.id === b.id) as Socket;
    const logs = [a, b].map(record);
    const reached = waitFor(a, 'news');
    sender.broadcast.emit('news', 2);
    await reached;
    await endMarker(last(nodes), [a, b]);
    expect(logs).toEqual([['news:[2]', 'end:[]'], ['end:[]']]);
  });

  it('keeps a local broadcast on its own server, and delivers volatile ones to connected clients', async () => {
    const nodes = await start();
    const a = await connect(first(nodes), 'a');
    const b = await connect(last(nodes), 'b');
    const logs = [a, b].map(record);
    // Volatile first, while the transports are idle (a busy transport may drop it, by design).
    const reached = [waitFor(a, 'news'), waitFor(b, 'news')];
    first(nodes).io.volatile.emit('news', 'volatile');
    await Promise.all(reached);
    const reachedLocal = waitFor(a, 'news');
    first(nodes).io.local.emit('news', 'local');
    await reachedLocal;
    await endMarker(first(nodes), [a, b]);
    const expected =
      nodes.length > 1 ? ['news:["volatile"]', 'end:[]'] : ['news:["volatile"]', 'news:["local"]', 'end:[]'];
    expect(logs[0]).toEqual(['news:["volatile"]', 'news:["local"]', 'end:[]']);
    expect(logs[1]).toEqual(expected);
  });

  it("collects every client's acknowledgement across servers", async () => {
    const nodes = await start();
    const clientsOf = [await connect(first(nodes), 'a'), await connect(last(nodes), 'b')];
    for (const client of clientsOf)
      client.on('ask', (n: number, ack: (answer: string) => void) => ack(`${client.id}:${n}`));
    const answers = await first(nodes).io.timeout(WAIT_MS).emitWithAck('ask', 7);
    expect([...answers].sort()).toEqual(clientsOf.map((c) => `${c.id}:7`).sort());
    const [one] = await last(nodes)
      .io.fetchSockets()
      .then((all) => all.filter((s) => s.id === clientsOf[0].id));
    expect(await one.timeout(WAIT_MS).emitWithAck('ask', 8)).toBe(`${clientsOf[0].id}:8`);
  });

  it("fetches every server's sockets with their rooms and data, and acts on remote ones", async () => {
    const nodes = await start();
    const a = await connect(first(nodes), 'a', { auth: { name: 'a', rooms: ['r'] } });
    const b = await connect(last(nodes), 'b', { auth: { name: 'b', rooms: ['r', 's'] } });
    const all = await first(nodes).io.fetchSockets();
    const summary = all
      .map((s) => ({ id: s.id, name: (s.data as { name: string }).name, rooms: [...s.rooms].sort() }))
      .sort((x, y) => x.name.localeCompare(y.name));
    expect(summary).toEqual([
      { id: a.id, name: 'a', rooms: [a.id, 'r'].sort() },
      { id: b.id, name: 'b', rooms: [b.id, 'r', 's'].sort() },
    ]);
    const inS = await first(nodes).io.in('s').fetchSockets();
    expect(inS.map((s) => s.id)).toEqual([b.id]);
    expect(inS[0].handshake.auth).toEqual({ name: 'b', rooms: ['r', 's'] });
    const received = waitFor(b, 'direct');
    inS[0].emit('direct', Buffer.from([9]));
    expect([...new Uint8Array((await received)[0] as ArrayBuffer)]).toEqual([9]);
    const closed = waitFor(b, 'disconnect');
    inS[0].disconnect();
    expect((await closed)[0]).toBe('io server disconnect');
  });

  it('makes the sockets of every server join and leave rooms', async () => {
    const nodes = await start();
    const a = await connect(first(nodes), 'a');
    const b = await connect(last(nodes), 'b');
    const io = first(nodes).io;
    io.socketsJoin('j');
    await until(async () => (await io.in('j').fetchSockets()).length === 2, WAIT_MS, 'both sockets in j');
    const received = [waitFor(a, 'news'), waitFor(b, 'news')];
    last(nodes).io.to('j').emit('news', 'j');
    expect(await Promise.all(received)).toEqual([['j'], ['j']]);
    io.in(b.id as string).socketsLeave('j');
    await until(async () => (await io.in('j').fetchSockets()).length === 1, WAIT_MS, 'b out of j');
    expect((await io.in('j').fetchSockets()).map((s) => s.id)).toEqual([a.id]);
  });

  it('announces room changes with the adapter events', async () => {
    const nodes = await start();
    const adapter = first(nodes).io.of('/').adapter;
    const events: unknown[][] = [];
    for (const name of ['create-room', 'join-room', 'leave-room', 'delete-room']) {
      adapter.on(name, (...args: unknown[]) => events.push([name, ...args]));
    }
    const a = await connect(first(nodes), 'a', { auth: { name: 'a', rooms: ['ev'] } });
    const id = a.id as string;
    a.disconnect();
    await until(() => events.some(([name, room]) => name === 'delete-room' && room === 'ev'), WAIT_MS, 'delete-room');
    // Probe clients of the cluster set-up may still be leaving: only this client's events count.
    expect(events.filter((event) => event.includes(id) || event.includes('ev'))).toEqual([
      ['create-room', id],
      ['join-room', id, id],
      ['create-room', 'ev'],
      ['join-room', 'ev', id],
      ['leave-room', id, id],
      ['delete-room', id],
      ['leave-room', 'ev', id],
      ['delete-room', 'ev'],
    ]);
  });

  it('disconnects the sockets of every server', async () => {
    const nodes = await start();
    const a = await connect(first(nodes), 'a');
    const b = await connect(last(nodes), 'b');
    const closed = [waitFor(a, 'disconnect'), waitFor(b, 'disconnect')];
    first(nodes).io.disconnectSockets();
    expect((await Promise.all(closed)).map(([reason]) => reason)).toEqual([
      'io server disconnect',
      'io server disconnect',
    ]);
  });

  it('carries serverSideEmit to the other servers, with acknowledgements', async (context) => {
    const nodes = await start();
    if (nodes.length === 1) context.skip();
    const [from, to] = [first(nodes).io, last(nodes).io];
    const plain = waitFor(to, 'hello');
    from.serverSideEmit('hello', 'world', 1);
    expect(await plain).toEqual(['world', 1]);
    to.on('question', (n: number, ack: (answer: number) => void) => ack(n * 2));
    expect(await from.serverSideEmitWithAck('question', 21)).toEqual([42]);
  });

  recoveryTest(adapter, start);
}

function recoveryTest(
  adapter: AdapterUnderTest,
  start: (opts?: Partial<ServerOptions>) => Promise<ClusterNode[]>,
): void {
  const first = (nodes: ClusterNode[]) => nodes[0];
  const last = (nodes: ClusterNode[]) => nodes[nodes.length - 1];
  it("recovers a dropped client's id, rooms, data and the broadcasts it missed", async (context) => {
    if (!adapter.recovery) context.skip();
    const nodes = await start({ connectionStateRecovery: { maxDisconnectionDuration: 60_000 } });
    const client = await connect(first(nodes), 'a', {
      auth: { name: 'a', rooms: ['r'] },
      reconnection: true,
      reconnectionDelay: 200,
      reconnectionDelayMax: 200,
    });
    // A first broadcast gives the client an offset to recover from.
    const got = waitFor(client, 'news');
    last(nodes).io.emit('news', 0);
    await got;
    const id = client.id;
    const logs = record(client);
    const [serverSocket] = [...first(nodes).io.of('/').sockets.values()] as Socket[];
    const dropped = waitFor(serverSocket, 'disconnect');
    const back = waitFor(first(nodes).io.of('/'), 'connection');
    client.io.engine.close();
    expect((await dropped)[0]).toBe('transport close');
    last(nodes).io.to('r').emit('news', 1);
    first(nodes).io.emit('news', 2, Buffer.from([3]));
    first(nodes).io.to('elsewhere').emit('news', 3);
    const [socket] = (await back) as [Socket];
    const ended = waitFor(client, 'end');
    first(nodes).io.emit('end');
    await ended;
    expect(client.recovered).toBe(true);
    expect(client.id).toBe(id);
    expect(socket.recovered).toBe(true);
    expect(socket.data).toEqual({ name: 'a' });
    expect([...socket.rooms].sort()).toEqual([id, 'r'].sort());
    // The binary argument arrived as binary (a Buffer, in Node).
    // Each event ends with its offset (a string), which the application sees, as with socket.io.
    const withoutOffsets = logs.map((entry) => entry.replace(/,?"[^"]+"\]$/, ']'));
    expect(withoutOffsets.slice(0, -1).sort()).toEqual(['news:[1]', 'news:[2,{"type":"Buffer","data":[3]}]']);
    expect(withoutOffsets.at(-1)).toBe('end:[]');
  });
}
