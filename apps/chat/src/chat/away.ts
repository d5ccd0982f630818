/**
 * Online / away. The page decides when it is away (no input for a while, or hidden for a while)
 * and says so on change; the state rides on `socket.data`, which `fetchSockets` reads on every
 * node, so presence lists carry it cluster-wide. A person is away only when every one of their
 * sockets in the room is: one active tab is enough to be online.
 *
 *   client -> server  'presence:away'    { away }          -> {}
 *   server -> client  'presence:config'  { awayAfterMs }   (on connection: when the page turns away)
 */

import { ChatError } from './errors.js';
import type { PresenceConfig } from './events.js';
import type { FeatureContext } from './feature-context.js';
import { requestObject } from './validation.js';

/** Default idle (or hidden) time after which a page reports itself away. */
export const DEFAULT_AWAY_AFTER_MS = 5 * 60 * 1000;

export function registerAway(context: FeatureContext, awayAfterMs: number): void {
  const { socket, presence, onRequest } = context;
  const config: PresenceConfig = { awayAfterMs };
  socket.emit('presence:config', config);

  onRequest('presence:away', 'away', async (payload) => {
    const away = requestObject(payload).away;
    if (typeof away !== 'boolean') throw new ChatError('BAD_REQUEST', '"away" must be true or false.');
    if (socket.data.away !== away) {
      socket.data.away = away;
      for (const room of socket.rooms) {
        if (typeof room === 'string' && room !== socket.id && !room.includes(':')) presence.changed(room);
      }
      // The account's DMs show it away only when all its sockets are, wherever they are.
      const userId = socket.data.userId;
      if (typeof userId === 'string') presence.accountChanged(userId);
    }
    return {};
  });
}

/** Who of `sockets` is away: the names all of whose sockets are (sorted). */
export function awayNames(sockets: Iterable<{ data: Record<string, unknown> }>): string[] {
  const active = new Set<string>();
  const away = new Set<string>();
  for (const { data } of sockets) {
    if (typeof data.nick !== 'string') continue;
    if (data.away === true) away.add(data.nick);
    else active.add(data.nick);
  }
  return [...away].filter((nick) => !active.has(nick)).sort((a, b) => a.localeCompare(b));
}
