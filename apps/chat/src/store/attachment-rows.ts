/**
 * A message's attachment is kept in the messages row as JSON (`attachment` column, null for plain
 * messages): every page of history carries it with no join, on both stores.
 */
import type { ColumnTypes } from './column-types.js';
import type { Attachment } from './types.js';

type Row = Record<string, unknown>;

/** The files table (a file's description, and its bytes unless UPLOAD_DIR keeps them), in either database's types. */
export function filesTable({ integer, bytes }: ColumnTypes): string {
  return `
CREATE TABLE IF NOT EXISTS files (
  id TEXT PRIMARY KEY,
  room TEXT NOT NULL REFERENCES rooms(name),
  message_id ${integer} NOT NULL REFERENCES messages(id),
  meta TEXT NOT NULL,
  data ${bytes},
  created_at ${integer} NOT NULL
);
`;
}

export function attachmentJson(attachment: Attachment): string {
  const { id, name, type, size, width, height } = attachment;
  return JSON.stringify({ id, name, type, size, width, height });
}

/** `{ attachment }` for a row that has one, else `{}` (plain messages have no such field). */
export function attachmentOf(row: Row): { attachment?: Attachment } {
  const raw = row.attachment;
  if (typeof raw !== 'string' || raw === '') return {};
  try {
    const value = JSON.parse(raw) as Partial<Attachment>;
    if (typeof value.id !== 'string' || typeof value.name !== 'string' || typeof value.type !== 'string') return {};
    const attachment: Attachment = { id: value.id, name: value.name, type: value.type, size: Number(value.size) };
    if (typeof value.width === 'number' && typeof value.height === 'number') {
      attachment.width = value.width;
      attachment.height = value.height;
    }
    return { attachment };
  } catch {
    return {};
  }
}

/** A files row as both drivers return it. */
export function storedFileOf(row: Row): { attachment: Attachment; room: string; data: Uint8Array | null } {
  const attachment = attachmentOf({ attachment: row.meta }).attachment;
  if (!attachment) throw new Error(`File ${String(row.id)} has no readable description`);
  const data = row.data;
  return {
    attachment,
    room: String(row.room),
    data: data instanceof Uint8Array ? data : null,
  };
}
