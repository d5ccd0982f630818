import { describe, expectTypeOf, it } from 'vitest';
import type createServer from '../src/index.cjs.js';
import type * as esm from '../src/index.js';
import { type BroadcastOperator, type RemoteSocket, Server, type Socket } from '../src/index.js';

interface ClientToServer {
  hello: (name: string) => void;
  sum: (a: number, b: number, ack: (total: number) => void) => void;
}

interface ServerToClient {
  greet: (text: string) => void;
  ask: (question: string, ack: (answer: boolean) => void) => void;
  bare: () => void;
}

interface InterServer {
  census: (ack: (count: number) => void) => void;
  note: (text: string) => void;
}

interface SocketData {
  user: string;
}

type TypedServer = Server<ClientToServer, ServerToClient, InterServer, SocketData>;
type TypedSocket = Socket<ClientToServer, ServerToClient, InterServer, SocketData>;

// The servers below are never attached: these tests are about types, checked by tsc, and the
// callbacks never run.
describe('typed events', () => {
  it('types listeners, emits and socket data', () => {
    const io: TypedServer = new Server<ClientToServer, ServerToClient, InterServer, SocketData>();
    io.on('connection', (socket) => {
      expectTypeOf(socket).toEqualTypeOf<TypedSocket>();
      expectTypeOf(socket.data).toEqualTypeOf<SocketData>();
      socket.on('hello', (name) => expectTypeOf(name).toEqualTypeOf<string>());
      socket.on('sum', (a, b, ack) => {
        expectTypeOf(a).toEqualTypeOf<number>();
        expectTypeOf(ack).toEqualTypeOf<(total: number) => void>();
        ack(a + b);
      });
      socket.on('disconnect', (reason) =>
        expectTypeOf(reason).toEqualTypeOf<import('../src/index.js').DisconnectReason>(),
      );
      socket.emit('greet', 'hi');
      // @ts-expect-error wrong argument type
      socket.emit('greet', 1);
      // @ts-expect-error unknown event
      socket.emit('nope');
      socket.emit('ask', 'ok?', (answer) => expectTypeOf(answer).toEqualTypeOf<boolean>());
    });
    io.close();
  });

  it('turns acks error-first with timeout() and infers emitWithAck results', () => {
    const socket = {} as TypedSocket;
    const check = () => {
      socket.timeout(1000).emit('ask', 'ok?', (err, answer) => {
        expectTypeOf(err).toEqualTypeOf<Error>();
        expectTypeOf(answer).toEqualTypeOf<boolean>();
      });
      expectTypeOf(socket.emitWithAck('ask', 'ok?')).toEqualTypeOf<Promise<boolean>>();
      expectTypeOf(socket.timeout(5).emitWithAck('ask', 'ok?')).toEqualTypeOf<Promise<boolean>>();
      // @ts-expect-error `bare` takes no acknowledgement
      socket.emitWithAck('bare');
    };
    expectTypeOf(check).toBeFunction();
  });

  it('types broadcasts: operators, multi-response acks, server-side events and fetchSockets', () => {
    const io = new Server<ClientToServer, ServerToClient, InterServer, SocketData>();
    const check = async () => {
      expectTypeOf(io.to('room')).toEqualTypeOf<BroadcastOperator<ServerToClient, SocketData>>();
      io.to('a').except('b').emit('greet', 'all');
      io.timeout(1000).emit('ask', 'anyone?', (err, answers) => {
        expectTypeOf(err).toEqualTypeOf<Error>();
        expectTypeOf(answers).toEqualTypeOf<boolean[]>();
      });
      expectTypeOf(io.timeout(1000).emitWithAck('ask', 'q')).toEqualTypeOf<Promise<boolean[]>>();
      io.serverSideEmit('note', 'hi');
      // @ts-expect-error wrong server-side argument
      io.serverSideEmit('note', 1);
      expectTypeOf(io.serverSideEmitWithAck('census')).toEqualTypeOf<Promise<number[]>>();
      io.on('note', (text) => expectTypeOf(text).toEqualTypeOf<string>());
      const sockets = await io.fetchSockets();
      expectTypeOf(sockets).toEqualTypeOf<RemoteSocket<ServerToClient, SocketData>[]>();
      expectTypeOf(sockets[0].data).toEqualTypeOf<SocketData>();
      // One remote socket, one response: `(err, response)`, as socket.io delivers it at runtime.
      sockets[0].timeout(1000).emit('ask', 'you?', (err, answer) => {
        expectTypeOf(err).toEqualTypeOf<Error>();
        expectTypeOf(answer).toEqualTypeOf<boolean>();
      });
      expectTypeOf(sockets[0].timeout(1000).emitWithAck('ask', 'q')).toEqualTypeOf<Promise<boolean>>();
      // @ts-expect-error wrong argument type
      sockets[0].timeout(1000).emit('greet', 1);
      io.of('/admin').on('connection', (socket) => expectTypeOf(socket).toEqualTypeOf<TypedSocket>());
    };
    expectTypeOf(check).toBeFunction();
    io.close();
  });

  it('accepts anything when untyped', () => {
    const io = new Server();
    io.on('connection', (socket) => {
      socket.emit('anything', 1, 'two', { three: 3 });
      // biome-ignore lint/suspicious/noExplicitAny: untyped events carry any arguments, as in socket.io
      socket.on('whatever', (...args) => expectTypeOf(args).toEqualTypeOf<any[]>());
      io.to('x').emit('any', 1);
    });
    io.close();
  });

  it('types the CommonJS export as a factory carrying every named export', () => {
    expectTypeOf<typeof createServer>().toBeCallableWith(undefined, { connectTimeout: 1000 });
    expectTypeOf<ReturnType<typeof createServer>>().toExtend<Server>();
    expectTypeOf<Exclude<keyof typeof esm, keyof typeof createServer>>().toEqualTypeOf<never>();
    expectTypeOf<createServer.ServerOptions>().toEqualTypeOf<esm.ServerOptions>();
    expectTypeOf<createServer.Socket<ClientToServer, ServerToClient>>().toEqualTypeOf<
      Socket<ClientToServer, ServerToClient>
    >();
  });
});
