/**
 * Where the bytes of uploaded files live: in the chat's store (SQLite BLOB, PostgreSQL bytea; the
 * default) or, with UPLOAD_DIR, in a directory, one file per upload named by its random id. With
 * several nodes the directory must be shared by all of them (the store always is).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { StoredFile } from '../store/index.js';

export interface FileStorage {
  /** Keeps the bytes; returns what the store's row holds: the bytes, or null when kept here. */
  save(id: string, bytes: Uint8Array): Promise<Uint8Array | null>;
  /** The bytes of a stored file, or null when they are gone. */
  read(file: StoredFile): Promise<Uint8Array | null>;
  /** Describes the storage for the start-up log. */
  readonly description: string;
}

/** File ids are 32 random hex digits (uploads.ts): nothing else ever becomes a path. */
const FILE_ID = /^[0-9a-f]{32}$/;

export function fileStorage(dir: string | undefined): FileStorage {
  return dir ? directoryStorage(path.resolve(dir)) : storeStorage;
}

const storeStorage: FileStorage = {
  description: 'in the database',
  save: async (_id, bytes) => bytes,
  read: async (file) => file.data,
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
  };
}
