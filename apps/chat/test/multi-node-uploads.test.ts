/**
 * Attachments and search across a cluster: two node processes sharing Redis (adapter) and
 * PostgreSQL (store). A file uploaded in binary chunks to one node reaches a member on the other
 * node as a message, and that node serves the bytes; a message sent on one node is found by search
 * on the other. Skips locally without Redis or PostgreSQL, fails in CI.
 */
import { randomBytes } from 'node:crypto';
import type { Socket as ClientSocket } from 'socket.io-client';
import { expect, it } from 'vitest';
import { describeCluster } from './cluster-harness.js';
import { collect, request, sessionCookieFor, uniqueAddress } from './helpers.js';
import { pngImage } from './image-fixture.js';

interface Answer {
  ok: boolean;
  [key: string]: unknown;
}
interface AttachmentMessage {
  id: number;
  room: string;
  text: string;
  attachment?: { id: string; name: string; type: string; size: number; width?: number; height?: number };
}

describeCluster('attachments and search across nodes', { bundle: 'uploads-node', nodes: 2 }, ({ nodes, harness }) => {
  /** Two accounts, one per node, both in a fresh public room. */
  async function pair(): Promise<{ room: string; alice: ClientSocket; bob: ClientSocket; names: [string, string] }> {
    const [n1, n2] = nodes;
    const names: [string, string] = [`a-${randomBytes(3).toString('hex')}`, `b-${randomBytes(3).toString('hex')}`];
    const [alice, bob] = await Promise.all([
      harness.connected(n1.url, names[0], { headers: { 'X-Forwarded-For': uniqueAddress() } }),
      harness.connected(n2.url, names[1], { headers: { 'X-Forwarded-For': uniqueAddress() } }),
    ]);
    const room = `r-${randomBytes(4).toString('hex')}`;
    expect(await request(alice, 'room:create', { room })).toMatchObject({ ok: true });
    await request(alice, 'room:join', { room });
    await request(bob, 'room:join', { room });
    return { room, alice, bob, names };
  }

  it('a file uploaded on one node reaches a member on the other, which serves its bytes', async () => {
    const [n1, n2] = nodes;
    const { room, alice, bob, names } = await pair();
    const bytes = Buffer.concat([pngImage(64, 48), randomBytes(200_000)]);
    const bobGets = collect<AttachmentMessage>(bob, 'message');

    const started = await request<Answer>(alice, 'upload:start', {
      room,
      name: 'cluster.png',
      size: bytes.length,
      clientId: 'u1',
    });
    expect(started).toMatchObject({ ok: true });
    const step = started.chunkBytes as number;
    for (let offset = 0; offset < bytes.length; offset += step) {
      const data = bytes.subarray(offset, offset + step);
      expect(await request(alice, 'upload:chunk', { uploadId: started.uploadId, offset, data })).toMatchObject({
        ok: true,
      });
    }
    const finished = await request<{ ok: boolean; message: AttachmentMessage }>(alice, 'upload:finish', {
      uploadId: started.uploadId,
    });
    expect(finished.message.attachment).toMatchObject({
      name: 'cluster.png',
      type: 'image/png',
      size: bytes.length,
      width: 64,
      height: 48,
    });

    const [received] = await bobGets.until((items) => items.length === 1, 15_000);
    expect(received).toEqual(finished.message);
    const attachment = received.attachment;
    if (!attachment) throw new Error('no attachment');
    const url = `/files/${attachment.id}/${attachment.name}`;
    const fromNode2 = await fetch(`${n2.url}${url}`, {
      headers: { Cookie: await sessionCookieFor(n2.url, names[1]) },
    });
    expect(fromNode2.status).toBe(200);
    expect(fromNode2.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await fromNode2.arrayBuffer())).toEqual(bytes);
    // Without a session, neither node says the file exists.
    expect((await fetch(`${n1.url}${url}`)).status).toBe(404);
  });

  it('search on one node finds what was just sent on the other', async () => {
    const { room, alice, bob } = await pair();
    const word = `w${randomBytes(5).toString('hex')}`;
    await request(alice, 'message:send', { room, text: `the ${word} is ready`, clientId: 'm1' });
    const found = await request<{ ok: boolean; messages: AttachmentMessage[] }>(bob, 'search', { query: word });
    expect(found.messages.map((m) => [m.room, m.text])).toEqual([[room, `the ${word} is ready`]]);
  });
});
