/**
 * `socket.io.engine`, the Engine.IO handle apps use to show the transport, log traffic and force
 * a reconnection: its properties, events and `close()`, received binary as ArrayBuffers with
 * `binaryType`, and a packet the decoder rejects. Against the official server and Parley's.
 */
import type { Socket as ServerSocket } from 'socket.io';
import { afterEach, describe, expect, it } from 'vitest';
import type { Engine } from '../src/index.js';
import { Fixture, servers, transportModes, waitFor } from './helpers.js';

type EnginePacketLog = { type: string; data?: unknown; options?: { compress?: boolean } };

for (const factory of servers) {
  describe(`socket.io.engine [${factory.name}]`, () => {
    let fixture: Fixture;
    afterEach(() => fixture.close());
    const start = async () => {
      fixture = new Fixture(factory);
      return fixture.server();
    };

    it('exists only once connect() is called with autoConnect: false', async () => {
      const server = await start();
      const socket = fixture.client(server.url, { autoConnect: false, transports: ['websocket'] });
      expect(socket.io.engine).toBeUndefined();
      socket.connect();
      expect(socket.io.engine).toBeDefined();
      await waitFor(socket, 'connect');
    });

    it('exposes the Engine.IO session id, transport name and readyState', async () => {
      const server = await start();
      const serverSide = waitFor<[ServerSocket]>(server.io, 'connection');
      const socket = fixture.client(server.url, { transports: ['websocket'] });
      await waitFor(socket, 'connect');
      const [serverSocket] = await serverSide;
      const engine = socket.io.engine as Engine;
      // `conn.id` is typed private in socket.io, though apps read it
      expect(engine.id).toBe((serverSocket.conn as unknown as { id: string }).id);
      expect(engine.id).not.toBe(socket.id);
      expect(engine.transport.name).toBe('websocket');
      expect(engine.readyState).toBe('open');
    });

    it('emits upgrade when it switches from polling to WebSocket', async () => {
      const server = await start();
      const socket = fixture.client(server.url, { autoConnect: false });
      socket.connect();
      const engine = socket.io.engine as Engine;
      expect(engine.transport.name).toBe('polling');
      const [transport] = await waitFor<[{ name: string }]>(engine, 'upgrade');
      expect(transport.name).toBe('websocket');
      expect(engine.transport.name).toBe('websocket');
    });

    it('emits upgradeError when the WebSocket probe fails, and stays on polling', async () => {
      const server = await start();
      // the probe goes to a path no server answers, so its handshake fails
      const socket = fixture.client(server.url, {
        autoConnect: false,
        transportOptions: { websocket: { path: '/nowhere/' } },
      });
      const connected = waitFor(socket, 'connect');
      socket.connect();
      const engine = socket.io.engine as Engine;
      const [error] = await waitFor<[Error]>(engine, 'upgradeError');
      expect(error).toBeInstanceOf(Error);
      expect(engine.transport.name).toBe('polling');
      expect(engine.readyState).toBe('open');
      await connected;
    });

    it('emits packetCreate (with compress from socket.compress()), packet and drain', async () => {
      const server = await start();
      server.io.on('connection', (s) => s.on('echo', (value: number) => s.emit('echoed', value)));
      const socket = fixture.client(server.url, { transports: ['websocket'] });
      await waitFor(socket, 'connect');
      const engine = socket.io.engine as Engine;
      const created: EnginePacketLog[] = [];
      const received: EnginePacketLog[] = [];
      engine.on('packetCreate', (packet) => created.push(packet));
      engine.on('packet', (packet) => received.push(packet));
      const drained = waitFor(engine, 'drain');
      socket.compress(false).emit('echo', 1);
      await drained;
      const echoed = waitFor(socket, 'echoed');
      socket.emit('echo', 2);
      await echoed;
      expect(created).toEqual([
        { type: 'message', data: '2["echo",1]', options: { compress: false } },
        { type: 'message', data: '2["echo",2]', options: { compress: true } },
      ]);
      expect(received).toContainEqual({ type: 'message', data: '2["echoed",2]' });
    });

    it('close() drops the connection and the manager reconnects', async () => {
      const server = await start();
      let connections = 0;
      server.io.on('connection', () => connections++);
      const socket = fixture.client(server.url, { transports: ['websocket'] });
      await waitFor(socket, 'connect');
      const engine = socket.io.engine as Engine;
      const closed = waitFor<[string]>(engine, 'close');
      const disconnected = waitFor<[string]>(socket, 'disconnect');
      const reconnected = waitFor(socket.io, 'reconnect');
      engine.close();
      expect(await closed).toEqual(['forced close', undefined]);
      // as socket.io-client reports it: the engine's reason, passed through the manager
      expect((await disconnected)[0]).toBe('forced close');
      await reconnected;
      await waitFor(socket, 'connect');
      expect(socket.io.engine).not.toBe(engine);
      expect(connections).toBe(2);
    });

    it('a packet the decoder rejects closes the engine and the manager reconnects', async () => {
      const server = await start();
      let connections = 0;
      server.io.on('connection', (s) => {
        // a Socket.IO packet type that does not exist, straight on the Engine.IO connection
        if (++connections === 1) s.conn.send('9{"no":"such packet"}');
      });
      const socket = fixture.client(server.url, { transports: ['websocket'] });
      const [reason] = await waitFor<[string]>(socket, 'disconnect');
      expect(reason).toBe('parse error');
      await waitFor(socket.io, 'reconnect');
      await waitFor(socket, 'connect');
      expect(connections).toBe(2);
    });

    for (const mode of transportModes.filter((m) => m.name !== 'polling+upgrade')) {
      it(`binaryType 'arraybuffer' delivers ArrayBuffers in Node [${mode.name}]`, async () => {
        const server = await start();
        server.io.on('connection', (s) => s.on('send', () => s.emit('bytes', Buffer.from([1, 2, 3]))));
        const socket = fixture.client(server.url, mode.options);
        await waitFor(socket, 'connect');
        const firstBytes = waitFor<[unknown]>(socket, 'bytes');
        socket.emit('send');
        const [asBuffer] = await firstBytes;
        expect(Buffer.isBuffer(asBuffer)).toBe(true);
        const engine = socket.io.engine as Engine;
        engine.binaryType = 'arraybuffer';
        const packets: unknown[] = [];
        engine.on('packet', (packet) => packets.push(packet.data));
        const secondBytes = waitFor<[unknown]>(socket, 'bytes');
        socket.emit('send');
        const [asArrayBuffer] = await secondBytes;
        // `packet` listeners see the ArrayBuffer too
        expect(packets.at(-1)).toBe(asArrayBuffer);
        expect(asArrayBuffer).toBeInstanceOf(ArrayBuffer);
        expect([...new Uint8Array(asArrayBuffer as ArrayBuffer)]).toEqual([1, 2, 3]);
      });
    }
  });
}
