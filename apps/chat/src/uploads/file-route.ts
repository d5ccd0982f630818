/**
 * GET /files/<id>/<name>: an uploaded file, to members of its room only. Everyone else (no session,
 * not a member, no such file, a malformed id) gets the same 404, so the answer never tells that a
 * file exists. Images are served inline, everything else as a download, with the sniffed type,
 * `nosniff` and a sandboxing policy, so no upload can run as a page of the chat's origin.
 */
import type { RequestHandler } from 'express';
import type { Accounts } from '../accounts/accounts.js';
import { sessionTokenFrom } from '../accounts/tokens.js';
import type { ChatStore } from '../store/index.js';
import { contentDisposition } from './file-names.js';
import type { FileStorage } from './file-storage.js';
import { DOWNLOAD_TYPE } from './sniff.js';

export const FILES_PATH = '/files';
const FILE_ID = /^[0-9a-f]{32}$/;
const INLINE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

export interface FileRouteOptions {
  store: ChatStore;
  accounts: Accounts;
  storage: FileStorage;
  /** False lets a client without a session see public rooms' files (REQUIRE_ACCOUNT=false). */
  requireAccount: boolean;
}

/** The URL of a file (the page builds the same one). */
export function fileUrl(id: string, name: string): string {
  return `${FILES_PATH}/${id}/${encodeURIComponent(name)}`;
}

export function fileRoute(options: FileRouteOptions): RequestHandler {
  const { store, accounts, storage } = options;
  return (req, res) => {
    const notFound = () => {
      res.setHeader('Cache-Control', 'no-store');
      res.status(404).json({ error: { code: 'NOT_FOUND', message: 'There is no such file.' } });
    };
    const id = String(req.params.id ?? '');
    if (!FILE_ID.test(id)) {
      notFound();
      return;
    }
    (async () => {
      const session = await accounts.session(sessionTokenFrom(req.headers.cookie));
      if (!session && options.requireAccount) return notFound();
      const file = await store.findFile(id);
      if (!file) return notFound();
      const access = await store.roomAccess(file.room, session?.user.id ?? null);
      if (!access || (access.room.kind !== 'public' && !access.member)) return notFound();
      const bytes = await storage.read(file);
      if (!bytes) return notFound();
      const { type, name } = file.attachment;
      const inline = INLINE_TYPES.has(type);
      res.setHeader('Content-Type', inline ? type : DOWNLOAD_TYPE);
      res.setHeader('Content-Length', String(bytes.byteLength));
      res.setHeader('Content-Disposition', contentDisposition(inline ? 'inline' : 'attachment', name));
      res.setHeader('X-Content-Type-Options', 'nosniff');
      // Opened directly, a file is a sandboxed document that may load nothing and run nothing.
      res.setHeader('Content-Security-Policy', "default-src 'none'; img-src 'self'; sandbox");
      res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
      // A file never changes, but access can end: the browser keeps it for this user only.
      res.setHeader('Cache-Control', 'private, max-age=86400');
      res.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    })().catch((err: unknown) => {
      console.error('chat: file request failed:', err);
      if (!res.headersSent)
        res.status(500).json({ error: { code: 'SERVER_ERROR', message: 'Could not read the file.' } });
    });
  };
}
