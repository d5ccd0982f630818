/** Type-level tests: typed events on Socket, as with socket.io-client's generics. */
import { describe, expectTypeOf, it } from 'vitest';
import { type DisconnectReason, io, Manager, type Socket } from '../src/index.js';

interface ServerToClient {
  news: (headline: string, priority: number) => void;
  bytes: (data: Uint8Array) => void;
}
interface ClientToServer {
  join: (room: string, ack: (ok: boolean) => void) => void;
  chat: (text: string) => void;
}

describe('typed events', () => {
  it('types listeners, emits and acks', () => {
    const socket = io<ServerToClient, ClientToServer>('http://localhost:1', { autoConnect: false });
    expectTypeOf(socket).toEqualTypeOf<Socket<ServerToClient, ClientToServer>>();
    socket.on('news', (headline, priority) => {
      expectTypeOf(headline).toEqualTypeOf<string>();
      expectTypeOf(priority).toEqualTypeOf<number>();
    });
    socket.on('disconnect', (reason) => expectTypeOf(reason).toEqualTypeOf<DisconnectReason>());
    socket.on('connect_error', (error) => expectTypeOf(error).toEqualTypeOf<Error>());
    socket.emit('chat', 'hello');
    socket.emit('join', 'room', (ok) => expectTypeOf(ok).toEqualTypeOf<boolean>());
    expectTypeOf(socket.emitWithAck('join', 'room')).toEqualTypeOf<Promise<boolean>>();
    socket.timeout(1000).emit('join', 'room', (error, ok) => {
      expectTypeOf(error).toEqualTypeOf<Error | null>();
      expectTypeOf(ok).toEqualTypeOf<boolean>();
    });
    // @ts-expect-error: unknown event
    socket.emit('nope', 1);
    // @ts-expect-error: wrong argument type
    socket.emit('chat', 42);
    // @ts-expect-error: wrong listener signature
    socket.on('news', (headline: number) => headline);
    socket.io.disconnect();
  });

  it('is untyped by default', () => {
    const socket = io('http://localhost:1', { autoConnect: false });
    socket.emit('anything', 1, 'two', { three: 3 });
    // biome-ignore lint/suspicious/noExplicitAny: untyped events take any arguments
    socket.on('whatever', (...args) => expectTypeOf(args).toEqualTypeOf<any[]>());
    expectTypeOf(socket.io).toEqualTypeOf<Manager>();
    socket.io.disconnect();
  });

  it('types Manager.socket()', () => {
    const manager = new Manager<ServerToClient, ClientToServer>('http://localhost:1', { autoConnect: false });
    expectTypeOf(manager.socket('/admin')).toEqualTypeOf<Socket<ServerToClient, ClientToServer>>();
    expectTypeOf(manager.reconnectionDelay()).toEqualTypeOf<number>();
    expectTypeOf(manager.reconnectionDelay(10)).toEqualTypeOf<typeof manager>();
  });
});
