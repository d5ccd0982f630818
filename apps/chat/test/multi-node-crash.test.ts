/**
 * A chat node crashes (SIGKILL: no goodbye, no stored-on-disconnect sessions) while messages flow.
 * Its clients reconnect through another node and recover their sessions from what the cluster kept
 * in Redis while they were alive: every message sent meanwhile arrives exactly once, in order, with
 * no request for history. Needs Redis and PostgreSQL: skips locally without them, fails in CI.
 */
import { randomBytes } from 'node:crypto';
import type { Socket as ClientSocket } from 'socket.io-client';
import { expect, it } from 'vitest';
import { describeCluster } from './cluster-harness.js';
import { collect, once, request, uniqueAddress } from './helpers.js';

interface Message {
  id: number;
  room: string;
  text: string;
}

const LISTENERS = 6;
const SENDERS = 8;
/** One message every 150 ms, round-robin over the senders: each stays well inside its send budget. */
const CADENCE_MS = 150;

describeCluster('a chat node crash', { bundle: 'crash-node', nodes: 3, timeout: 60_000 }, ({ nodes, harness }) => {
  it('loses nothing: clients of the killed node recover elsewhere and get every message once', async () => {
    const [n1, n2, n3] = nodes;
    const room = `crash-${randomBytes(4).toString('hex')}`;
    const senders: ClientSocket[] = [];
    for (let i = 0; i < SENDERS; i++) {
      senders.push(
        await harness.connected(n1.url, `s${i}-${randomBytes(3).toString('hex')}`, {
          headers: { 'X-Forwarded-For': uniqueAddress() },
        }),
      );
    }
    expect(await request(senders[0], 'room:create', { room })).toMatchObject({ ok: true, created: true });
    for (const sender of senders) expect(await request(sender, 'room:join', { room })).toMatchObject({ ok: true });

    // Listeners on the node that will die, reconnecting automatically as the page does.
    const listeners: ClientSocket[] = [];
    for (let i = 0; i < LISTENERS; i++) {
      listeners.push(
        await harness.connected(n3.url, `l${i}-${randomBytes(3).toString('hex')}`, {
          headers: { 'X-Forwarded-For': uniqueAddress() },
          reconnection: true,
        }),
      );
    }
    const inboxes = listeners.map((socket) => collect<Message>(socket, 'message'));
    for (const listener of listeners)
      expect(await request(listener, 'room:join', { room })).toMatchObject({ ok: true });
    for (const listener of listeners) {
      listener.io.reconnectionDelay(100);
      listener.io.reconnectionDelayMax(500);
      // The load balancer sends the next attempt to a live node.
      listener.on('disconnect', () => {
        (listener.io as unknown as { uri: string }).uri = n2.url;
      });
    }

    const sent: number[] = [];
    let sending = true;
    const sendLoop = (async () => {
      for (let i = 0; sending; i++) {
        const result = await request<{ ok: boolean; message: Message }>(senders[i % SENDERS], 'message:send', {
          room,
          text: `n${i}`,
          clientId: randomBytes(6).toString('hex'),
        });
        expect(result.ok).toBe(true);
        sent.push(result.message.id);
        await new Promise((resolve) => setTimeout(resolve, CADENCE_MS));
      }
    })();

    // Some traffic first, so every listener holds an offset; then the crash.
    await Promise.all(inboxes.map((inbox) => inbox.until((items) => items.length >= 3, 15_000)));
    const dropped = Promise.all(listeners.map((listener) => once<string>(listener, 'disconnect', 15_000)));
    await n3.process.kill();
    expect(new Set(await dropped)).toEqual(new Set(['transport close']));
    const reconnected = await Promise.all(
      listeners.map((listener) => once(listener, 'connect', 20_000).then(() => listener)),
    );
    for (const listener of reconnected) expect(listener.recovered).toBe(true);

    // Traffic after the recovery, then stop and compare.
    const mark = sent.length;
    await Promise.all(inboxes.map((inbox) => inbox.until((items) => items.length >= mark + 3, 15_000)));
    sending = false;
    await sendLoop;
    const last = sent.at(-1);
    await Promise.all(inboxes.map((inbox) => inbox.until((items) => items.some((m) => m.id === last), 15_000)));
    for (const inbox of inboxes) {
      const ids = inbox.items.map((m) => m.id);
      // Everything sent after the listener joined, each exactly once, in order.
      expect(ids).toEqual(sent.slice(sent.indexOf(ids[0])));
      expect(ids[0]).toBe(sent[0]);
    }
  });
});
