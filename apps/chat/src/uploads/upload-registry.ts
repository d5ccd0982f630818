/**
 * Uploads in progress. A file arrives as acknowledged binary chunks (so the page can show progress
 * and no packet comes near the server's 100 KB request cap); the chunks wait here, in memory, until
 * the upload finishes. Memory is bounded three ways: the size declared up front (checked against
 * the cap, and every chunk against it), a few uploads at a time per user, and a total across all
 * users. An upload that goes quiet is dropped by one sweeper timer, as is every upload of a socket
 * that disconnects.
 */
import { randomBytes } from 'node:crypto';
import { ChatError } from '../chat/errors.js';

export const DEFAULT_MAX_UPLOAD_BYTES = 5 * 1024 * 1024;
/** Bytes per chunk: one binary packet, well under the 100 KB request cap even base64-encoded over polling. */
export const CHUNK_BYTES = 64 * 1024;
const MAX_UPLOADS_PER_IDENTITY = 3;
const MAX_PENDING_BYTES = 64 * 1024 * 1024;
const IDLE_MS = 60_000;
const SWEEP_EVERY_MS = 15_000;

export interface UploadSpec {
  room: string;
  name: string;
  size: number;
  clientId: string | null;
}

export interface Upload extends UploadSpec {
  readonly id: string;
  readonly socketId: string;
  readonly identity: string;
  chunks: Buffer[];
  received: number;
  lastActive: number;
}

export class UploadRegistry {
  readonly maxBytes: number;
  readonly #uploads = new Map<string, Upload>();
  #pendingBytes = 0;
  readonly #sweeper: NodeJS.Timeout;

  constructor(maxBytes = DEFAULT_MAX_UPLOAD_BYTES) {
    this.maxBytes = maxBytes;
    this.#sweeper = setInterval(() => this.sweep(Date.now()), SWEEP_EVERY_MS);
    this.#sweeper.unref();
  }

  start(owner: { socketId: string; identity: string }, spec: UploadSpec): Upload {
    if (spec.size > this.maxBytes) {
      throw new ChatError(
        'FILE_TOO_LARGE',
        `${spec.name} is ${megabytes(spec.size)}; files are limited to ${megabytes(this.maxBytes)}.`,
      );
    }
    let mine = 0;
    for (const upload of this.#uploads.values()) if (upload.identity === owner.identity) mine++;
    if (mine >= MAX_UPLOADS_PER_IDENTITY) {
      throw new ChatError(
        'RATE_LIMITED',
        `At most ${MAX_UPLOADS_PER_IDENTITY} uploads at a time; wait for one to finish.`,
        2000,
      );
    }
    if (this.#pendingBytes + spec.size > MAX_PENDING_BYTES) {
      throw new ChatError('RATE_LIMITED', 'The server is busy with other uploads; try again in a few seconds.', 5000);
    }
    const upload: Upload = {
      ...spec,
      id: randomBytes(16).toString('hex'),
      socketId: owner.socketId,
      identity: owner.identity,
      chunks: [],
      received: 0,
      lastActive: Date.now(),
    };
    this.#uploads.set(upload.id, upload);
    this.#pendingBytes += spec.size;
    return upload;
  }

  /** The socket's own upload with this id; anyone else's, or none, is UNKNOWN_UPLOAD. */
  get(id: unknown, socketId: string): Upload {
    const upload = typeof id === 'string' ? this.#uploads.get(id) : undefined;
    if (!upload || upload.socketId !== socketId) {
      throw new ChatError(
        'UNKNOWN_UPLOAD',
        'This upload is over (finished, cancelled or timed out). Send the file again.',
      );
    }
    return upload;
  }

  /** Adds the next chunk; `offset` must be where the previous one ended (chunks come in order). */
  append(upload: Upload, offset: unknown, data: unknown): void {
    const bytes = toBuffer(data);
    if (!bytes || bytes.length === 0 || bytes.length > CHUNK_BYTES) {
      throw new ChatError('BAD_REQUEST', `A chunk is 1 to ${CHUNK_BYTES} bytes of binary data.`);
    }
    if (offset !== upload.received)
      throw new ChatError('BAD_REQUEST', `The next chunk starts at byte ${upload.received}.`);
    if (upload.received + bytes.length > upload.size) {
      this.drop(upload.id);
      throw new ChatError('FILE_TOO_LARGE', 'The file is larger than announced; the upload was stopped.');
    }
    upload.chunks.push(bytes);
    upload.received += bytes.length;
    upload.lastActive = Date.now();
  }

  /** Ends a complete upload and returns its bytes; the entry is gone either way. */
  finish(upload: Upload): Buffer {
    this.drop(upload.id);
    if (upload.received !== upload.size) {
      throw new ChatError('BAD_REQUEST', `The upload is incomplete (${upload.received} of ${upload.size} bytes).`);
    }
    return Buffer.concat(upload.chunks, upload.size);
  }

  drop(id: string): void {
    const upload = this.#uploads.get(id);
    if (!upload) return;
    this.#uploads.delete(id);
    this.#pendingBytes -= upload.size;
  }

  dropSocket(socketId: string): void {
    for (const upload of this.#uploads.values()) if (upload.socketId === socketId) this.drop(upload.id);
  }

  sweep(now: number): void {
    for (const upload of this.#uploads.values()) if (now - upload.lastActive >= IDLE_MS) this.drop(upload.id);
  }

  /** Uploads in progress and the bytes they have reserved (for tests and metrics). */
  get pending(): { uploads: number; bytes: number } {
    return { uploads: this.#uploads.size, bytes: this.#pendingBytes };
  }

  close(): void {
    clearInterval(this.#sweeper);
    this.#uploads.clear();
    this.#pendingBytes = 0;
  }
}

function toBuffer(data: unknown): Buffer | null {
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  return null;
}

export function megabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return `${mb >= 10 ? Math.round(mb) : Math.round(mb * 10) / 10} MB`;
}
