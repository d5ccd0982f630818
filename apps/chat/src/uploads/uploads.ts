/**
 * Images and files over the socket, as binary chunks (see events.ts):
 *   'upload:start'  { room, name, size, clientId? } -> { uploadId, chunkBytes }
 *   'upload:chunk'  { uploadId, offset, data: binary } -> { received }
 *   'upload:finish' { uploadId }                      -> { message: ChatMessage }  (broadcast as 'message')
 *   'upload:cancel' { uploadId }                      -> {}
 * The page sends the next chunk when the previous one is acknowledged, and shows the bytes
 * acknowledged as the progress. The finished file's type is sniffed from its bytes; it is stored
 * with its message in one transaction, then broadcast like any message.
 */
import { randomBytes } from 'node:crypto';
import { ChatError } from '../chat/errors.js';
import type { FeatureContext } from '../chat/feature-context.js';
import { nickOf } from '../chat/socket-account.js';
import { requestObject, validateClientId, validateRoomName } from '../chat/validation.js';
import type { Attachment } from '../store/index.js';
import { safeFileName } from './file-names.js';
import type { FileStorage } from './file-storage.js';
import { sniffType } from './sniff.js';
import { CHUNK_BYTES, type UploadRegistry } from './upload-registry.js';

export interface UploadService {
  registry: UploadRegistry;
  storage: FileStorage;
}

export function registerUploads(context: FeatureContext, uploads: UploadService): void {
  const { socket, io, store, onRequest, accessibleRoom, identity } = context;
  const { registry, storage } = uploads;

  /** Being in the room is the membership proof, as for message:send. */
  const joinedRoom = async (value: unknown): Promise<string> => {
    const room = validateRoomName(value);
    if (!socket.rooms.has(room)) {
      await accessibleRoom(room);
      throw new ChatError('NOT_IN_ROOM', `Join #${room} before sending files to it.`);
    }
    return room;
  };

  onRequest('upload:start', 'upload', async (payload) => {
    const request = requestObject(payload);
    const room = await joinedRoom(request.room);
    const size = request.size;
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 1) {
      throw new ChatError('BAD_REQUEST', 'An upload needs the size of the file in bytes (at least 1).');
    }
    const upload = registry.start(
      { socketId: socket.id, identity },
      { room, name: safeFileName(request.name), size, clientId: validateClientId(request.clientId) },
    );
    return { uploadId: upload.id, chunkBytes: CHUNK_BYTES };
  });

  onRequest('upload:chunk', 'uploadChunk', async (payload) => {
    const request = requestObject(payload);
    const upload = registry.get(request.uploadId, socket.id);
    registry.append(upload, request.offset, request.data);
    return { received: upload.received };
  });

  onRequest('upload:cancel', 'uploadChunk', async (payload) => {
    registry.drop(registry.get(requestObject(payload).uploadId, socket.id).id);
    return {};
  });

  onRequest('upload:finish', 'send', async (payload) => {
    const upload = registry.get(requestObject(payload).uploadId, socket.id);
    const bytes = registry.finish(upload);
    // Still a member now, not only when the upload started.
    await joinedRoom(upload.room);
    const sniffed = sniffType(bytes);
    const attachment: Attachment = {
      id: randomBytes(16).toString('hex'),
      name: upload.name,
      type: sniffed.type,
      size: bytes.length,
      ...(sniffed.width !== undefined && sniffed.height !== undefined
        ? { width: sniffed.width, height: sniffed.height }
        : {}),
    };
    const data = await storage.save(attachment.id, bytes);
    const { message, duplicate } = await store.appendMessageWithFile(
      {
        room: upload.room,
        nick: nickOf(socket),
        username: socket.data.username ?? null,
        userId: socket.data.userId ?? null,
        text: '',
        ts: Date.now(),
        clientId: upload.clientId,
      },
      { attachment, data },
    );
    // A resend of a stored upload: its message keeps the first copy, and no row points at this one.
    if (duplicate) await storage.erase(attachment.id);
    io.to(upload.room).emit('message', message);
    return { message };
  });

  socket.on('disconnect', () => registry.dropSocket(socket.id));
}
