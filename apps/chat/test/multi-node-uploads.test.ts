/**
 * Attachments and search across a cluster: two node processes sharing Redis (adapter), PostgreSQL
 * (store) and an UPLOAD_DIR, as deployed. A file uploaded in binary chunks to one node reaches a
 * member on the other node as a message, and that node serves the bytes; deleting the message on
 * the other node erases the file from the shared directory; a message sent on one node is found by
 * search on the other. Skips locally without Redis or PostgreSQL, fails in CI.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Socket as ClientSocket } from 'socket.io-client';
import { afterAll, expect, it } from 'vitest';
import { describeCluster } from './cluster-harness.js';
import { collect, request, sessionCookieFor, tempDir, uniqueAddress } from './helpers.js';
import { pngImage } from './image-fixture.js';

const uploadDir = tempDir('parley-cluster-uploads-');
afterAll(() => uploadDir.remove());

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

const options = { bundle: 'uploads-node', nodes: 2, env: { UPLOAD_DIR: uploadDir.dir } };

describeCluster('attachments and search across nodes', options, ({ nodes, harness }) => {
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

  /** Uploads `bytes` as the page does: start, acknowledged chunks, finish; the stored message. */
  async function upload(socket: ClientSocket, room: string, name: string, bytes: Buffer): Promise<AttachmentMessage> {
    const started = await request<Answer>(socket, 'upload:start', {
      room,
      name,
      size: bytes.length,
      clientId: `u-${randomBytes(4).toString('hex')}`,
    });
    expect(started).toMatchObject({ ok: true });
    const step = started.chunkBytes as number;
    for (let offset = 0; offset < bytes.length; offset += step) {
      const data = bytes.subarray(offset, offset + step);
      expect(await request(socket, 'upload:chunk', { uploadId: started.uploadId, offset, data })).toMatchObject({
        ok: true,
      });
    }
    const finished = await request<{ ok: boolean; message: AttachmentMessage }>(socket, 'upload:finish', {
      uploadId: started.uploadId,
    });
    expect(finished).toMatchObject({ ok: true });
    return finished.message;
  }

  it('a file uploaded on one node reaches a member on the other, which serves its bytes', async () => {
    const [n1, n2] = nodes;
    const { room, alice, bob, names } = await pair();
    const bytes = Buffer.concat([pngImage(64, 48), randomBytes(200_000)]);
    const bobGets = collect<AttachmentMessage>(bob, 'message');

    const sent = await upload(alice, room, 'cluster.png', bytes);
    expect(sent.attachment).toMatchObject({
      name: 'cluster.png',
      type: 'image/png',
      size: bytes.length,
      width: 64,
      height: 48,
    });

    const [received] = await bobGets.until((items) => items.length === 1, 15_000);
    expect(received).toEqual(sent);
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

  it('deleting the message on the other node erases its file from the shared UPLOAD_DIR', async () => {
    const [, n2] = nodes;
    const { room, alice, bob, names } = await pair();
    const bytes = pngImage(16, 16);
    const bobGets = collect<AttachmentMessage>(bob, 'message');
    const sent = await upload(alice, room, 'shared.png', bytes);
    const attachment = sent.attachment;
    if (!attachment) throw new Error('no attachment');
    const onDisk = path.join(uploadDir.dir, attachment.id);
    expect(fs.readFileSync(onDisk)).toEqual(bytes);
    await bobGets.until((items) => items.length === 1, 15_000);

    // Alice's second socket, on node 2: the node that deletes is not the one that stored the file.
    const aliceOnN2 = await harness.connected(n2.url, names[0], { headers: { 'X-Forwarded-For': uniqueAddress() } });
    await request(aliceOnN2, 'room:join', { room });
    expect(await request(aliceOnN2, 'message:delete', { room, id: sent.id })).toMatchObject({ ok: true });
    expect(fs.existsSync(onDisk)).toBe(false);
    const url = `${n2.url}/files/${attachment.id}/${attachment.name}`;
    expect((await fetch(url, { headers: { Cookie: await sessionCookieFor(n2.url, names[1]) } })).status).toBe(404);
  });

  it('search on one node finds what was just sent on the other', async () => {
    const { room, alice, bob } = await pair();
    const word = `w${randomBytes(5).toString('hex')}`;
    await request(alice, 'message:send', { room, text: `the ${word} is ready`, clientId: 'm1' });
    const found = await request<{ ok: boolean; messages: AttachmentMessage[] }>(bob, 'search', { query: word });
    expect(found.messages.map((m) => [m.room, m.text])).toEqual([[room, `the ${word} is ready`]]);
  });
});
