import { describe, expect, it } from 'vitest';
import type { Namespace, Socket } from '../src/index.js';
import { client, connected, startServer, TRANSPORT_MODES, waitFor } from './support/harness.js';

// @parley-engine either: PARLEY_ENGINE=engine.io runs this suite on the official engine.io (support/engine-choice.ts).

describe.each(TRANSPORT_MODES)('namespaces over %s', (mode) => {
  it('connects to a static namespace and multiplexes it with / on one connection', async () => {
    const { io, url } = await startServer();
    const admin = io.of('/admin');
    admin.on('connection', (s: Socket) => s.emit('where', s.nsp.name));
    io.on('connection', (s: Socket) => s.emit('where', s.nsp.name));
    const root = client(url, mode);
    const rootWhere = waitFor(root, 'where');
    const adminSocket = root.io.socket('/admin');
    const adminWhere = waitFor(adminSocket, 'where');
    adminSocket.connect();
    expect(await rootWhere).toEqual(['/']);
    expect(await adminWhere).toEqual(['/admin']);
    expect(io.engine.clientsCount).toBe(1);
    const inAdmin = waitFor(adminSocket, 'only admin');
    admin.emit('only admin', 1);
    expect(await inAdmin).toEqual([1]);
  });

  it('refuses an unknown namespace with "Invalid namespace"', async () => {
    const { url } = await startServer();
    const socket = client(`${url}/nowhere`, mode);
    const [err] = (await waitFor(socket, 'connect_error')) as [Error];
    expect(err.message).toBe('Invalid namespace');
  });
});

describe('dynamic namespaces', () => {
  it('creates children from a regex, announces them, and broadcasts through the parent', async () => {
    const { io, url } = await startServer();
    const created: string[] = [];
    io.on('new_namespace', (nsp: Namespace) => created.push(nsp.name));
    const parent = io.of(/^\/team-\d+$/);
    parent.on('connection', (s: Socket) => s.emit('welcome', s.nsp.name));
    const one = client(`${url}/team-1`);
    const two = client(`${url}/team-2`);
    expect(await waitFor(one, 'welcome')).toEqual(['/team-1']);
    expect(await waitFor(two, 'welcome')).toEqual(['/team-2']);
    expect(created).toEqual(['/team-1', '/team-2']);
    const both = Promise.all([waitFor(one, 'all teams'), waitFor(two, 'all teams')]);
    parent.emit('all teams', 'go');
    expect(await both).toEqual([['go'], ['go']]);
    const refused = client(`${url}/team-x`);
    expect(((await waitFor(refused, 'connect_error')) as [Error])[0].message).toBe('Invalid namespace');
  });

  it('accepts names through a function with the auth payload, and runs the parent middlewares', async () => {
    const { io, url } = await startServer();
    const parent = io.of((name, auth, next) => next(null, name.startsWith('/dyn-') && auth.token === 'ok'));
    parent.use((socket, next) => {
      socket.data.checked = true;
      next();
    });
    parent.on('connection', (s: Socket) => s.emit('checked', s.data.checked, s.nsp.name));
    const good = client(`${url}/dyn-a`, 'websocket', { auth: { token: 'ok' } });
    expect(await waitFor(good, 'checked')).toEqual([true, '/dyn-a']);
    const bad = client(`${url}/dyn-b`, 'websocket', { auth: { token: 'nope' } });
    expect(((await waitFor(bad, 'connect_error')) as [Error])[0].message).toBe('Invalid namespace');
  });

  it('removes empty children with cleanupEmptyChildNamespaces', async () => {
    const { io, url } = await startServer({ cleanupEmptyChildNamespaces: true });
    const parent = io.of(/^\/tmp-\d+$/);
    const joined = waitFor<[Socket]>(parent, 'connection');
    const socket = await connected(`${url}/tmp-7`);
    const [serverSocket] = await joined;
    expect(io._nsps.has('/tmp-7')).toBe(true);
    const gone = waitFor(serverSocket, 'disconnect');
    socket.disconnect();
    await gone;
    expect(io._nsps.has('/tmp-7')).toBe(false);
  });
});
