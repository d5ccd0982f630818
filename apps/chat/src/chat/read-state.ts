/**
 * Unread state on the server: each account's read marker per room, unread and mention counts, and
 * muted rooms. The store keeps them, so counts survive a reload and follow the account to another
 * browser; every change is told to all of the account's sockets (its user room, on every node), so
 * reading a room in one tab clears it in the others.
 *
 *   'unread:list'  ()                       -> { rooms: RoomReadState[] }
 *   'room:read'    { room, lastRead }       -> { lastRead }   then 'room:read'  { room, lastRead } to the account
 *   'room:mute'    { room, muted }          -> { muted }      then 'room:muted' { room, muted } to the account
 */
import { userRoom } from '../accounts/accounts.js';
import { ChatError } from './errors.js';
import type { MutedEvent, ReadEvent } from './events.js';
import type { FeatureContext } from './feature-context.js';
import { requestObject, validateMessageId } from './validation.js';

export function registerReadState(context: FeatureContext): void {
  const { io, store, onRequest, signedInId, accessibleRoom } = context;

  onRequest('unread:list', 'read', async () => ({ rooms: await store.readStates(signedInId()) }));

  onRequest('room:read', 'read', async (payload) => {
    const me = signedInId();
    const request = requestObject(payload);
    const { name: room } = await accessibleRoom(request.room);
    const lastRead = await store.markRead(me, room, validateMessageId(request.lastRead, 'lastRead'));
    const event: ReadEvent = { room, lastRead };
    io.to(userRoom(me)).emit('room:read', event);
    return { lastRead };
  });

  onRequest('room:mute', 'read', async (payload) => {
    const me = signedInId();
    const request = requestObject(payload);
    const { name: room } = await accessibleRoom(request.room);
    if (typeof request.muted !== 'boolean') throw new ChatError('BAD_REQUEST', '"muted" must be true or false.');
    await store.setMuted(me, room, request.muted);
    const event: MutedEvent = { room, muted: request.muted };
    io.to(userRoom(me)).emit('room:muted', event);
    return { muted: request.muted };
  });
}
