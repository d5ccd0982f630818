/**
 * Files over the socket, through official socket.io-client sockets: binary chunks with acks, the
 * type sniffed from the bytes, size limits, budgets, and the file route serving room members only.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Socket as ClientSocket } from 'socket.io-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StoreError } from '../src/store/index.js';
import { collect, Harness, request, sessionCookieFor, tempDir } from './helpers.js';
import { pngImage } from './image-fixture.js';

const harness = new Harness();
afterEach(() => harness.closeAll());

interface Answer {
  ok: boolean;
  error?: { code: string; message: string };
  [key: string]: unknown;
}
interface AttachmentMessage {
  id: number;
  room: string;
  text: string;
  attachment: { id: string; name: string; type: string; size: number; width?: number; height?: number };
}

/** Uploads `bytes` as the page does: start, acknowledged chunks of `chunkBytes`, finish. */
async function upload(socket: ClientSocket, room: string, name: string, bytes: Buffer): Promise<Answer> {
  const started = await request<Answer>(socket, 'upload:start', {
    room,
    name,
    size: bytes.length,
    clientId: `u-${name.length}-${bytes.length}`,
  });
  if (!started.ok) return started;
  const step = started.chunkBytes as number;
  for (let offset = 0; offset < bytes.length; offset += step) {
    const data = bytes.subarray(offset, offset + step);
    const answer = await request<Answer>(socket, 'upload:chunk', { uploadId: started.uploadId, offset, data });
    if (!answer.ok) return answer;
    expect(answer.received).toBe(offset + data.length);
  }
  return request<Answer>(socket, 'upload:finish', { uploadId: started.uploadId });
}

/** Sends `size` zero bytes as the first chunk of the upload `uploadId`. */
function firstChunk(socket: ClientSocket, uploadId: unknown, size: number): Promise<Answer> {
  return request<Answer>(socket, 'upload:chunk', { uploadId, offset: 0, data: Buffer.alloc(size) });
}

async function fetchFile(url: string, message: AttachmentMessage, cookie?: string) {
  const { id, name } = message.attachment;
  return fetch(`${url}/files/${id}/${encodeURIComponent(name)}`, { headers: cookie ? { Cookie: cookie } : {} });
}

async function joinedPair(options = {}) {
  const { url, server, store } = await harness.startServer(options);
  const [alice, bob] = await Promise.all(['alice', 'bob'].map((name) => harness.connected(url, name)));
  await Promise.all([alice, bob].map((socket) => request(socket, 'room:join', { room: 'general' })));
  return { url, server, store, alice, bob };
}

describe('uploads', () => {
  it('sends an image in binary chunks; members get the message and the bytes, inline, with its size', async () => {
    const { url, alice, bob } = await joinedPair();
    const image = pngImage(320, 200);
    const big = Buffer.concat([image, Buffer.alloc(150_000, 7)]); // trailing bytes: three chunks
    const bobGets = collect<AttachmentMessage>(bob, 'message');
    const answer = await upload(alice, 'general', 'sunset.png', big);
    expect(answer).toMatchObject({
      ok: true,
      message: {
        room: 'general',
        text: '',
        attachment: { name: 'sunset.png', type: 'image/png', size: big.length, width: 320, height: 200 },
      },
    });
    const [message] = await bobGets.until((items) => items.length === 1);
    expect(message).toEqual(answer.message);

    const res = await fetchFile(url, message, await sessionCookieFor(url, 'bob'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('content-disposition')).toBe(`inline; filename="sunset.png"; filename*=UTF-8''sunset.png`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain('sandbox');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(big);
    // History carries the attachment too.
    const joined = await request<{ messages: AttachmentMessage[] }>(bob, 'room:join', { room: 'general' });
    expect(joined.messages.at(-1)).toEqual(message);
  });

  it('takes the type from the bytes, not the name: anything but png/jpeg/gif/webp is a download', async () => {
    const { url, alice } = await joinedPair();
    const html = Buffer.from('<html><script>alert(document.cookie)</script></html>');
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    const cookie = await sessionCookieFor(url, 'alice');
    for (const [name, bytes] of [
      ['cat.png', html],
      ['logo.svg', svg],
      ['../../etc/"evil"\u202e.txt', html],
    ] as const) {
      const answer = await upload(alice, 'general', name, bytes);
      const message = answer.message as AttachmentMessage;
      expect(message.attachment.type).toBe('application/octet-stream');
      const res = await fetchFile(url, message, cookie);
      expect(res.headers.get('content-type')).toBe('application/octet-stream');
      expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="[^"\\/]*"; filename\*=UTF-8''/);
    }
    const odd = await upload(alice, 'general', '../../etc/"evil"\u202e.txt', html);
    expect((odd.message as AttachmentMessage).attachment.name).toBe('"evil".txt');
  });

  it('refuses a file over the cap with a clear message, and chunks that break the announced size', async () => {
    const { alice } = await joinedPair({
      uploads: { maxBytes: 100_000 },
      budgets: { upload: { limit: 100, windowMs: 10_000 } },
    });
    expect(await request(alice, 'upload:start', { room: 'general', name: 'huge.bin', size: 7_500_000 })).toEqual({
      ok: false,
      error: { code: 'FILE_TOO_LARGE', message: 'huge.bin is 7.2 MB; files are limited to 0.1 MB.' },
    });
    for (const size of [0, -1, 1.5, '10', null]) {
      expect(await request(alice, 'upload:start', { room: 'general', name: 'x', size })).toMatchObject({
        ok: false,
        error: { code: 'BAD_REQUEST' },
      });
    }
    const started = await request<Answer>(alice, 'upload:start', { room: 'general', name: 'a.bin', size: 10 });
    const chunk = (offset: unknown, data: unknown) =>
      request<Answer>(alice, 'upload:chunk', { uploadId: started.uploadId, offset, data });
    expect(await chunk(0, 'not binary')).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await chunk(0, Buffer.alloc(65 * 1024))).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await chunk(5, Buffer.alloc(5))).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await chunk(0, Buffer.alloc(6))).toMatchObject({ ok: true, received: 6 });
    expect(await request(alice, 'upload:finish', { uploadId: started.uploadId })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', message: 'The upload is incomplete (6 of 10 bytes).' },
    });
    // Over the announced size: the upload is stopped.
    const again = await request<Answer>(alice, 'upload:start', { room: 'general', name: 'b.bin', size: 4 });
    expect(await firstChunk(alice, again.uploadId, 5)).toMatchObject({ ok: false, error: { code: 'FILE_TOO_LARGE' } });
    expect(await request(alice, 'upload:finish', { uploadId: again.uploadId })).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_UPLOAD' },
    });
  });

  it('keeps non-members out: no upload into, and no file from, a private room', async () => {
    const { url, alice, bob } = await joinedPair();
    await request(alice, 'room:create', { room: 'secret', private: true });
    await request(alice, 'room:join', { room: 'secret' });
    const answer = await upload(alice, 'secret', 'plan.png', pngImage(4, 4));
    const message = answer.message as AttachmentMessage;
    expect(await fetchFile(url, message, await sessionCookieFor(url, 'alice')).then((res) => res.status)).toBe(200);

    expect(await request(bob, 'upload:start', { room: 'secret', name: 'x.png', size: 10 })).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_ROOM' },
    });
    // Not a member, not signed in, or no such file: the same 404, so existence does not leak.
    const bobCookie = await sessionCookieFor(url, 'bob');
    const answers = await Promise.all([
      fetchFile(url, message, bobCookie),
      fetchFile(url, message),
      fetchFile(url, { ...message, attachment: { ...message.attachment, id: 'f'.repeat(32) } }, bobCookie),
      fetch(`${url}/files/..%2F..%2Fetc%2Fpasswd/x`, { headers: { Cookie: bobCookie } }),
    ]);
    for (const res of answers) {
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'There is no such file.' } });
    }
    // Someone else's upload id is unknown to bob.
    const started = await request<Answer>(alice, 'upload:start', { room: 'general', name: 'a.bin', size: 3 });
    expect(await firstChunk(bob, started.uploadId, 3)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_UPLOAD' } });
    // Invited, bob may fetch it.
    await request(alice, 'room:invite', { room: 'secret', username: 'bob' });
    expect(await fetchFile(url, message, bobCookie).then((res) => res.status)).toBe(200);
  });

  it('limits uploads per user', async () => {
    const { alice } = await joinedPair({ budgets: { upload: { limit: 2, windowMs: 60_000 } } });
    await upload(alice, 'general', 'one.png', pngImage(2, 2));
    await upload(alice, 'general', 'two.png', pngImage(2, 2));
    expect(await request(alice, 'upload:start', { room: 'general', name: 'three.png', size: 10 })).toMatchObject({
      ok: false,
      error: { code: 'RATE_LIMITED', message: expect.stringContaining('Too many uploads') },
    });
  });

  it('keeps files in UPLOAD_DIR when one is configured', async () => {
    const dir = tempDir('parley-uploads-');
    harness.defer(() => dir.remove());
    const { url, alice } = await joinedPair({ uploads: { dir: dir.dir } });
    const bytes = pngImage(8, 8);
    const message = (await upload(alice, 'general', 'disk.png', bytes)).message as AttachmentMessage;
    expect(fs.readFileSync(path.join(dir.dir, message.attachment.id))).toEqual(bytes);
    const res = await fetchFile(url, message, await sessionCookieFor(url, 'alice'));
    expect(Buffer.from(await res.arrayBuffer())).toEqual(bytes);
  });

  it("erases a deleted message's file from UPLOAD_DIR, and only once the deletion is committed", async () => {
    const dir = tempDir('parley-uploads-');
    harness.defer(() => dir.remove());
    const { url, store, alice } = await joinedPair({ uploads: { dir: dir.dir } });
    const cookie = await sessionCookieFor(url, 'alice');
    const bytes = pngImage(8, 8);
    const message = (await upload(alice, 'general', 'gone.png', bytes)).message as AttachmentMessage;
    const onDisk = path.join(dir.dir, message.attachment.id);
    expect(fs.readFileSync(onDisk)).toEqual(bytes);

    // The delete's transaction fails: the message still shows its file, so the bytes must stay.
    const deleteMessage = vi
      .spyOn(store, 'deleteMessage')
      .mockRejectedValueOnce(new StoreError('STORE_FAILED', 'disk full'));
    expect(await request(alice, 'message:delete', { room: 'general', id: message.id })).toMatchObject({ ok: false });
    expect(deleteMessage).toHaveBeenCalledTimes(1);
    expect(fs.readFileSync(onDisk)).toEqual(bytes);
    expect((await fetchFile(url, message, cookie)).status).toBe(200);

    // Committed: nothing of the file is left, in the store or in the directory.
    expect(await request(alice, 'message:delete', { room: 'general', id: message.id })).toMatchObject({
      ok: true,
      message: { id: message.id, deletedAt: expect.any(Number) },
    });
    expect(fs.existsSync(onDisk)).toBe(false);
    expect(fs.readdirSync(dir.dir)).toEqual([]);
    expect((await fetchFile(url, message, cookie)).status).toBe(404);
  });

  it('keeps one copy in UPLOAD_DIR of an upload sent again with the same client id', async () => {
    const dir = tempDir('parley-uploads-');
    harness.defer(() => dir.remove());
    const { alice } = await joinedPair({ uploads: { dir: dir.dir } });
    const bytes = pngImage(4, 4);
    const first = (await upload(alice, 'general', 'twice.png', bytes)).message as AttachmentMessage;
    const again = (await upload(alice, 'general', 'twice.png', bytes)).message as AttachmentMessage;
    expect(again).toEqual(first);
    expect(fs.readdirSync(dir.dir)).toEqual([first.attachment.id]);
  });
});
