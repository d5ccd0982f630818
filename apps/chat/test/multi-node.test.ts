/**
 * The chat as a cluster: three node processes (a fourth comes and dies in one test) sharing a real
 * Redis (adapter) and PostgreSQL (store), with official socket.io clients on different nodes.
 * Every run uses its own Redis key prefix and PostgreSQL schema, removed afterwards. Without Redis
 * or PostgreSQL the suite skips locally (saying how to start them) and fails in CI.
 */
import { randomBytes } from 'node:crypto';
import type { Socket as ClientSocket } from 'socket.io-client';
import { beforeAll, expect, it } from 'vitest';
import { RequestBalancer } from '../../../packages/redis-adapter/test/request-balancer.js';
import { type ChatNode, describeCluster, presenceIn } from './cluster-harness.js';
import { collect, once, request, sessionCookieFor, uniqueAddress, waitFor } from './helpers.js';

interface Message {
  id: number;
  room: string;
  nick: string;
  text: string;
}
interface JoinResult {
  ok: boolean;
  messages: Message[];
  users: string[];
  mode: 'latest' | 'after';
}

describeCluster('multi-node chat', { bundle: 'cluster-node', nodes: 3 }, (suite) => {
  const { nodes, harness } = suite;
  let n1: ChatNode;
  let n2: ChatNode;
  let n3: ChatNode;
  beforeAll(() => {
    [n1, n2, n3] = nodes;
  });

  /** A fresh room per test, created through node 1, so tests never see each other's traffic. */
  const newRoom = async (): Promise<string> => {
    const room = `r-${randomBytes(4).toString('hex')}`;
    // A new account each time: room creation has a per-user budget.
    const creator = await harness.connected(n1.url, `c-${randomBytes(4).toString('hex')}`, {
      headers: { 'X-Forwarded-For': uniqueAddress() },
    });
    const created = await request<{ ok: boolean; created: boolean }>(creator, 'room:create', { room });
    expect(created).toMatchObject({ ok: true, created: true });
    creator.disconnect();
    return room;
  };

  const join = async (socket: ClientSocket, room: string, after?: number): Promise<JoinResult> => {
    const result = await request<JoinResult>(socket, 'room:join', after === undefined ? { room } : { room, after });
    expect(result.ok).toBe(true);
    return result;
  };

  const send = async (socket: ClientSocket, room: string, text: string): Promise<Message> => {
    const result = await request<{ ok: boolean; message: Message }>(socket, 'message:send', {
      room,
      text,
      clientId: randomBytes(6).toString('hex'),
    });
    expect(result.ok).toBe(true);
    return result.message;
  };

  it('starts each node in cluster mode and meshes them', () => {
    for (const node of [n1, n2, n3]) {
      expect(node.process.output).toMatch(/cluster node .*Redis .*PostgreSQL/);
      expect(node.process.output.match(/cluster: node joined/g)?.length).toBeGreaterThanOrEqual(2);
    }
  });

  it('shares rooms, messages (each exactly once) and presence across nodes', async () => {
    const ada = await harness.connected(n1.url, 'ada');
    const bob = await harness.connected(n2.url, 'bob');
    const cara = await harness.connected(n3.url, 'cara');
    // A room created through node 1 is announced to clients of every node and listed everywhere.
    const announced = [bob, cara].map((s) => collect<{ name: string }>(s, 'room:created'));
    const room = await newRoom();
    for (const a of announced) await a.until((items) => items.some((r) => r.name === room));
    const listed = await request<{ rooms: { name: string }[] }>(cara, 'rooms:list');
    expect(listed.rooms.map((r) => r.name)).toContain(room);

    const presence = [ada, bob, cara].map((s) => presenceIn(s, room));
    const inbox = [ada, bob, cara].map((s) => collect<Message>(s, 'message'));
    await join(ada, room);
    await join(bob, room);
    const caraJoin = await join(cara, room);
    for (const p of presence) await p.until(['ada', 'bob', 'cara']);
    expect(caraJoin.users).toEqual(['ada', 'bob', 'cara']);

    const sent = [await send(ada, room, 'from 1'), await send(bob, room, 'from 2'), await send(cara, room, 'from 3')];
    // Broadcasts published before the marker are delivered before it, so a duplicate would show.
    const marker = await send(ada, room, 'marker');
    const expected = [...sent, marker].map((m) => m.id).sort((a, b) => a - b);
    for (const box of inbox) {
      await box.until((items) => items.some((m) => m.id === marker.id));
      expect(box.items.map((m) => m.id).sort((a, b) => a - b)).toEqual(expected);
    }
  });

  it('updates presence on every node when someone leaves or disconnects', async () => {
    const room = await newRoom();
    const ada = await harness.connected(n1.url, 'ada');
    const bob = await harness.connected(n2.url, 'bob');
    const cara = await harness.connected(n3.url, 'cara');
    const adaSees = presenceIn(ada, room);
    const caraSees = presenceIn(cara, room);
    for (const s of [ada, bob, cara]) await join(s, room);
    await adaSees.until(['ada', 'bob', 'cara']);

    expect(await request(bob, 'room:leave', { room })).toEqual({ ok: true });
    await adaSees.until(['ada', 'cara']);
    await caraSees.until(['ada', 'cara']);

    cara.disconnect();
    await adaSees.until(['ada']);
  });

  it('relays typing indicators to clients of other nodes, not back to the typist', async () => {
    const room = await newRoom();
    const ada = await harness.connected(n1.url, 'ada');
    const bob = await harness.connected(n2.url, 'bob');
    const cara = await harness.connected(n3.url, 'cara');
    for (const s of [ada, bob, cara]) await join(s, room);
    const echoes = collect(ada, 'typing');
    const received = [bob, cara].map((s) => once<{ room: string; nick: string; typing: boolean }>(s, 'typing'));
    ada.emit('typing', { room, typing: true });
    for (const event of await Promise.all(received))
      expect(event).toEqual({ room, nick: 'ada', username: 'ada', typing: true });
    // A round trip through node 1 after the hint: an echo to ada would have arrived before its answer.
    await request(ada, 'rooms:list');
    expect(echoes.items).toEqual([]);
  });

  it('shares history: a client joining on node 3 gets what was sent on nodes 1 and 2', async () => {
    const room = await newRoom();
    const ada = await harness.connected(n1.url, 'ada');
    const bob = await harness.connected(n2.url, 'bob');
    await join(ada, room);
    await join(bob, room);
    const first = await send(ada, room, 'sent on node 1');
    const second = await send(bob, room, 'sent on node 2');

    const dave = await harness.connected(n3.url, 'dave');
    const joined = await join(dave, room);
    expect(joined.mode).toBe('latest');
    expect(joined.messages.map((m) => [m.id, m.text])).toEqual([
      [first.id, 'sent on node 1'],
      [second.id, 'sent on node 2'],
    ]);
  });

  it('recovers a dropped session on another node: rooms kept, missed messages once', async () => {
    const room = await newRoom();
    const ada = await harness.connected(n1.url, 'ada');
    const bob = await harness.connected(n2.url, 'bob');
    const bobSees = presenceIn(bob, room);
    for (const s of [ada, bob]) await join(s, room);
    const inbox = collect<Message>(ada, 'message');
    const seen = await send(bob, room, 'before the drop');
    // Received, so the client holds its offset in the cluster's log of broadcasts.
    await inbox.until((items) => items.some((m) => m.id === seen.id));
    await bobSees.until(['ada', 'bob']);

    // The transport drops (a recoverable disconnect); node 1 stores the session in Redis. Bob
    // seeing ada gone means node 1 has handled the disconnect, and its session write came first.
    ada.io.engine.close();
    await bobSees.until(['bob']);
    const missed = [await send(bob, room, 'missed 1'), await send(bob, room, 'missed 2')];

    // The client comes back through another node, as it would behind a load balancer.
    (ada.io as unknown as { uri: string }).uri = n3.url;
    ada.connect();
    await once(ada, 'connect');
    expect(ada.recovered).toBe(true);
    await bobSees.until(['ada', 'bob']);
    await inbox.until((items) => items.length >= 3);
    // The page also asks for everything after the last id it has; together, nothing is doubled.
    const page = await request<{ messages: Message[] }>(ada, 'history:after', { room, after: seen.id });
    expect(page.messages.map((m) => m.id)).toEqual(missed.map((m) => m.id));
    // Still in the room on node 3 (restored from the session): sending works, and the echo is the
    // first message after the missed ones, so none of them was replayed twice.
    const after = await send(ada, room, 'back');
    await inbox.until((items) => items.some((m) => m.id === after.id));
    expect(inbox.items.map((m) => m.id)).toEqual([seen, ...missed, after].map((m) => m.id));
  });

  it('drops a dead node’s users from presence, and its clients catch up on another node', async () => {
    const n4 = await suite.cluster.startNode();
    await suite.cluster.meshed(n4);
    const room = await newRoom();
    const ada = await harness.connected(n1.url, 'ada');
    const eve = await harness.connected(n4.url, 'eve');
    const adaSees = presenceIn(ada, room);
    for (const s of [ada, eve]) await join(s, room);
    await adaSees.until(['ada', 'eve']);
    const last = await send(ada, room, 'seen by eve');
    await collect<Message>(eve, 'message').until((items) => items.some((m) => m.id === last.id));

    const eveDropped = once(eve, 'disconnect', 15_000);
    await n4.process.kill(); // a crash: no goodbye, no disconnect events, no stored sessions
    // Noticed when its heartbeats stop (1 s here, 2 s timeout): bounded, not waited for forever.
    await adaSees.until(['ada'], 15_000);
    await eveDropped;
    const missed = [await send(ada, room, 'missed 1'), await send(ada, room, 'missed 2')];

    const eveAgain = await harness.connected(n2.url, 'eve');
    const caughtUp = await join(eveAgain, room, last.id);
    expect(caughtUp.mode).toBe('after');
    expect(caughtUp.messages.map((m) => m.id)).toEqual(missed.map((m) => m.id));
    await adaSees.until(['ada', 'eve']);
  });

  it('honours a session on every node, and signing out on one disconnects its sockets on all', async () => {
    const cookie = await sessionCookieFor(n1.url, 'roaming');
    const other = await sessionCookieFor(n3.url, 'roaming');
    const sockets = [n1, n2, n3].map((node) =>
      harness.client(node.url, 'roaming', { headers: { Cookie: cookie, 'X-Forwarded-For': uniqueAddress() } }),
    );
    const survivor = harness.client(n1.url, 'roaming', { headers: { Cookie: other } });
    await Promise.all([...sockets, survivor].map((socket) => once(socket, 'connect')));
    for (const node of [n1, n2, n3]) {
      const res = await fetch(`${node.url}/api/me`, { headers: { Cookie: cookie } });
      expect(await res.json()).toMatchObject({ user: { username: 'roaming' } });
    }
    const dropped = Promise.all(sockets.map((socket) => once<string>(socket, 'disconnect')));
    const out = await fetch(`${n2.url}/api/logout`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: cookie },
      body: '{}',
    });
    expect(out.status).toBe(204);
    expect(await dropped).toEqual(['io server disconnect', 'io server disconnect', 'io server disconnect']);
    for (const node of [n1, n3])
      expect((await fetch(`${node.url}/api/me`, { headers: { Cookie: cookie } })).status).toBe(401);
    // The same user's other session (another device) stays connected.
    expect((await request(survivor, 'rooms:list')).ok).toBe(true);
  });

  it('needs no sticky sessions: clients behind a round-robin balancer chat through every node', async () => {
    const balancer = new RequestBalancer([n1.port, n2.port, n3.port]);
    harness.defer(() => balancer.close());
    const url = `http://127.0.0.1:${await balancer.listen()}`;
    const room = await newRoom();
    const bob = await harness.connected(n2.url, 'bob');
    await join(bob, room);
    // Polling only: every request of the session lands on the next node, not on its owner.
    const ada = await harness.connected(url, 'ada', {
      transports: ['polling'],
      headers: { 'X-Forwarded-For': uniqueAddress() },
    });
    // The defaults: polling first, then the upgrade, each through whichever node comes next.
    const cara = await harness.connected(url, 'cara', {
      transports: ['polling', 'websocket'],
      headers: { 'X-Forwarded-For': uniqueAddress() },
    });
    if (cara.io.engine.transport.name !== 'websocket') {
      await waitFor(
        10_000,
        () => 'Timed out waiting for the upgrade to WebSocket',
        (resolve) => {
          const upgraded = () => resolve(undefined);
          cara.io.engine.once('upgrade', upgraded);
          return () => cara.io.engine.off('upgrade', upgraded);
        },
      );
    }
    await join(ada, room);
    await join(cara, room);
    const inboxes = [ada, bob, cara].map((socket) => collect<Message>(socket, 'message'));
    const sent = [await send(ada, room, 'polled'), await send(bob, room, 'direct'), await send(cara, room, 'upgraded')];
    for (const inbox of inboxes) {
      await inbox.until((items) => items.length >= 3);
      expect(inbox.items.map((m) => m.id)).toEqual(sent.map((m) => m.id));
    }
    expect(new Set(balancer.routed)).toEqual(new Set([0, 1, 2]));
  });

  it('shuts every node down cleanly (Redis clients and the PostgreSQL pool closed)', async () => {
    const running = suite.cluster.nodes.filter((node) => node.process.running).length;
    expect(running).toBe(3);
    expect(await suite.cluster.stopAll()).toEqual([0, 0, 0]);
  });
});
