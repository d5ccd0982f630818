/**
 * Where the bytes of uploaded files live: in the chat's store (SQLite BLOB, PostgreSQL bytea; the
 * default) or, with UPLOAD_DIR, in a directory, one file per upload named by its random id. With
 * several nodes the directory must be shared by all of them (the store always is), so whichever node
 * deletes a message erases its file for all of them.
 *
 * The store's row is the truth, the directory follows it: bytes are written (and flushed) before the
 * row that points at them is committed, and erased only after the row's deletion is committed. A
 * crash between the two leaves at worst a file no row points at, never a message whose file is gone;
 * the orphan sweep (orphan-sweep.ts) erases such files.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { StoredFile } from '../store/index.js';

export interface FileStorage {
  /** Keeps the bytes; returns what the store's row holds: the bytes, or null when kept here. */
  save(id: string, bytes: Uint8Array): Promise<Uint8Array | null>;
  /** The bytes of a stored file, or null when they are gone. */
  read(file: StoredFile): Promise<Uint8Array | null>;
  /**
   * Erases the bytes kept here for `id`; call it only once no committed row points at them (their
   * message's deletion is committed). A file already gone is no error; any other failure is logged
   * and leaves an orphan file, as the message is deleted either way.
   */
  erase(id: string): Promise<void>;
  /** Describes the storage for the start-up log. */
  readonly description: string;
}

/** File ids are 32 random hex digits (uploads.ts): nothing else ever becomes a path. */
export const FILE_ID = /^[0-9a-f]{32}$/;

export function fileStorage(dir: string | undefined): FileStorage {
  return dir ? directoryStorage(path.resolve(dir)) : storeStorage;
}

const storeStorage: FileStorage = {
  description: 'in the database',
  save: async (_id, bytes) => bytes,
  read: async (file) => file.data,
  // The bytes were in the row, which went in the same transaction as the message.
  erase: async () => {},
};

function directoryStorage(dir: string): FileStorage {
  let ready: Promise<unknown> | undefined;
  return {
    description: `in ${dir}`,
    async save(id, bytes) {
      if (!FILE_ID.test(id)) throw new Error(`Invalid file id ${id}`);
      ready ??= fs.mkdir(dir, { recursive: true });
      await ready;
      // Written in full and flushed before the message that points at it is stored.
      const target = path.join(dir, id);
      const partial = `${target}.partial`;
      const handle = await fs.open(partial, 'w', 0o600);
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(partial, target);
      return null;
    },
    async read(file) {
      if (file.data) return file.data;
      if (!FILE_ID.test(file.attachment.id)) return null;
      return fs.readFile(path.join(dir, file.attachment.id)).catch(() => null);
    },
    async erase(id) {
      if (!FILE_ID.test(id)) return;
      try {
        await fs.unlink(path.join(dir, id));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
        console.error(`chat: could not erase the uploaded file ${id} (left in ${dir}):`, err);
      }
    },
  };
}
