import { expect, it } from 'vitest';
import type { Attachment, ChatStore } from '../src/store/index.js';

/**
 * Messages with files, as every ChatStore must keep them (`appendMessageWithFile`, `findFile`).
 * `open` returns a fresh, initialised store with no messages.
 */
export function attachmentsContract(open: () => Promise<ChatStore>): void {
  const picture: Attachment = { id: 'a'.repeat(32), name: 'cat.png', type: 'image/png', size: 4, width: 2, height: 1 };
  const bytes = new Uint8Array([0x89, 0x50, 0x00, 0xff]);

  it('stores a message with its file in one step, and history carries the attachment', async () => {
    const store = await open();
    const { message, duplicate } = await store.appendMessageWithFile(
      { room: 'general', nick: 'ada', text: '', ts: 5, clientId: 'f1' },
      { attachment: picture, data: bytes },
    );
    expect(duplicate).toBe(false);
    expect(message).toMatchObject({ room: 'general', text: '', clientId: 'f1', attachment: picture });
    expect((await store.latest('general', 10)).messages).toEqual([message]);
    const file = await store.findFile(picture.id);
    expect(file?.room).toBe('general');
    expect(file?.attachment).toEqual(picture);
    expect(Buffer.from(file?.data ?? [])).toEqual(Buffer.from(bytes));
    // Plain messages have no attachment field at all.
    const plain = await store.appendMessage({ room: 'general', nick: 'ada', text: 'hi', ts: 6, clientId: null });
    expect('attachment' in plain.message).toBe(false);
    expect(await store.findFile('b'.repeat(32))).toBeNull();
  });

  it('stores a resent upload (same clientId) once, keeping the first file', async () => {
    const store = await open();
    const first = await store.appendMessageWithFile(
      { room: 'general', nick: 'ada', text: '', ts: 5, clientId: 'same' },
      { attachment: picture, data: bytes },
    );
    const other = { ...picture, id: 'c'.repeat(32) };
    const again = await store.appendMessageWithFile(
      { room: 'general', nick: 'ada', text: '', ts: 6, clientId: 'same' },
      { attachment: other, data: bytes },
    );
    expect(again).toEqual({ message: first.message, duplicate: true });
    expect(await store.findFile(other.id)).toBeNull();
    expect((await store.latest('general', 10)).messages).toHaveLength(1);
  });

  it('erases the file with its message: a deleted message carries no attachment and the file is gone', async () => {
    const store = await open();
    const { message } = await store.appendMessageWithFile(
      { room: 'general', nick: 'ada', text: 'oops, wrong screenshot', ts: 5, clientId: null },
      { attachment: picture, data: bytes },
    );
    const deleted = await store.deleteMessage('general', message.id, 9);
    expect(deleted?.deletedAt).toBe(9);
    expect(deleted && 'attachment' in deleted).toBe(false);
    expect(await store.findFile(picture.id)).toBeNull();
    expect((await store.latest('general', 10)).messages[0]).not.toHaveProperty('attachment');
  });

  it('keeps only the description when the bytes live elsewhere', async () => {
    const store = await open();
    const file = { ...picture, id: 'd'.repeat(32), type: 'application/octet-stream', name: 'notes.txt' };
    delete file.width;
    delete file.height;
    await store.appendMessageWithFile(
      { room: 'general', nick: 'ada', text: '', ts: 5, clientId: null },
      { attachment: file, data: null },
    );
    expect(await store.findFile(file.id)).toEqual({ attachment: file, room: 'general', data: null });
  });
}
