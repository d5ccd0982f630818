/** `io(url, opts)`: finds or creates the Manager for a URL and returns the namespace's socket. */
import { Manager, type ManagerOptions } from './manager.js';
import { Socket } from './socket.js';
import type { SocketOptions } from './socket-types.js';
import type { DefaultEventsMap, EventsMap } from './types.js';

const managers: Record<string, Manager> = {};

/**
 * Connects to a namespace. Sockets to different namespaces of the same server share one
 * connection unless `forceNew` or `multiplex: false` is given.
 *
 * @example
 * const socket = io('https://example.com/admin', { auth: { token } });
 */
export function io<ListenEvents extends EventsMap = DefaultEventsMap, EmitEvents extends EventsMap = ListenEvents>(
  uri?: string | (Partial<ManagerOptions> & SocketOptions),
  opts?: Partial<ManagerOptions> & SocketOptions,
): Socket<ListenEvents, EmitEvents> {
  if (uri && typeof uri === 'object') [uri, opts] = [undefined, uri];
  opts ??= {};
  // Relative (`/admin`), protocol-relative and scheme-less (`host:3000`) URLs resolve against
  // the page, as in socket.io-client; no URL at all means the page's origin.
  const location = (globalThis as { location?: Location }).location;
  uri ??= '/';
  const given = /^(https?|wss?):\/\/|^\//.test(uri) ? uri : `//${uri}`;
  const url = new URL(given, location?.href ?? 'https://localhost');
  // `manager.uri` is an absolute URL as the app gave it (socket.io-client does not normalize it:
  // no added trailing slash, an explicit default port kept)
  const source = uri.includes('://') ? uri : url.href;
  const port = url.port || (/s:$/.test(url.protocol) ? '443' : '80');
  const id = `${url.protocol}//${url.hostname}:${port}${opts.path || '/socket.io'}`;
  // The namespace is the path as written: socket.io-client neither decodes (`/my%20nsp` stays so)
  // nor normalizes it, where url.pathname would encode `/ü` and resolve `/a/../b`.
  const nsp = /^(\w+:)?(\/\/[^/?#]*)?([^?#]*)/.exec(given)![3] || '/';
  const cached = managers[id];
  let manager: Manager;
  // 'force new connection': the option's name before forceNew, still honoured by socket.io-client.
  if (
    opts.forceNew ||
    (opts as { 'force new connection'?: boolean })['force new connection'] ||
    opts.multiplex === false ||
    (cached && nsp in cached.nsps)
  ) {
    manager = new Manager(source, opts);
  } else {
    manager = cached ?? new Manager(source, opts);
    managers[id] = manager;
  }
  return manager.socket(nsp, opts) as Socket<ListenEvents, EmitEvents>;
}

// `io.connect(url)`, `io.Manager`, `io.Socket`, `io.io`: socket.io-client's `io` carries them too,
// for code written against its older namespace-style API.
Object.assign(io, { io, connect: io, Manager, Socket });
