/**
 * The CommonJS entry. As with socket.io, `require('@parley/server')` is a function creating a
 * Server, and it carries every named export. The build turns this module's default export into
 * `module.exports` and its declaration into `export =`.
 *
 * @example
 * const io = require('@parley/server')(httpServer);
 * const { Server } = require('@parley/server');
 */
import * as parley from './index.js';
import {
  AckTimeoutError,
  Adapter,
  type AdapterConstructor,
  type AdapterContract,
  type AllButLast,
  type AnyListener,
  attachServe,
  type BroadcastFlags,
  BroadcastOperator,
  type BroadcastOptions,
  type BroadcastParams,
  Client,
  ClientBundle,
  type ConnectionStateRecoveryOptions,
  type DecorateAcknowledgements,
  type DecorateAcknowledgementsWithMultipleResponses,
  type DefaultEventsMap,
  type DisconnectReason,
  defaultBundleDirectory,
  type EngineOptions,
  type Event,
  type EventNames,
  type EventNamesWithAck,
  type EventParams,
  type EventsMap,
  type ExtendedError,
  type FirstNonErrorArg,
  type Handshake,
  InMemoryAdapter,
  type Last,
  MalformedPacketError,
  Namespace,
  type NamespaceMiddleware,
  type NamespaceReservedEvents,
  type PacketDecoder,
  type PacketEncoder,
  type PacketParser,
  ParentNamespace,
  ParleyServerError,
  type ParleyServerErrorCode,
  type PrivateSessionId,
  RemoteSocket,
  ReservedEventError,
  type ReservedOrUserEventNames,
  type ReservedOrUserListener,
  type RestoredSession,
  type Room,
  Server,
  type ServerOptions,
  type Session,
  SessionAwareAdapter,
  Socket,
  type SocketDetails,
  type SocketId,
  type SocketMiddleware,
  type SocketReservedEvents,
  type SocketServerOptions,
  StrictEventEmitter,
} from './index.js';

/** `require('@parley/server')(httpServer, opts)`: the same as `new Server(httpServer, opts)`. */
function createServer<
  ListenEvents extends EventsMap = DefaultEventsMap,
  EmitEvents extends EventsMap = DefaultEventsMap,
  ServerSideEvents extends EventsMap = DefaultEventsMap,
  // biome-ignore lint/suspicious/noExplicitAny: socket.io's default for untyped data
  SocketData = any,
>(
  srv?: ConstructorParameters<typeof Server>[0] | Partial<ServerOptions>,
  opts?: Partial<ServerOptions>,
): Server<ListenEvents, EmitEvents, ServerSideEvents, SocketData> {
  return new Server<ListenEvents, EmitEvents, ServerSideEvents, SocketData>(srv as undefined, opts);
}

// The named exports, as members of the callable export (assigned just below).
declare namespace createServer {
  export {
    AckTimeoutError,
    Adapter,
    type AdapterConstructor,
    type AdapterContract,
    type AllButLast,
    type AnyListener,
    attachServe,
    type BroadcastFlags,
    BroadcastOperator,
    type BroadcastOptions,
    type BroadcastParams,
    Client,
    ClientBundle,
    type ConnectionStateRecoveryOptions,
    type DecorateAcknowledgements,
    type DecorateAcknowledgementsWithMultipleResponses,
    type DefaultEventsMap,
    type DisconnectReason,
    defaultBundleDirectory,
    type EngineOptions,
    type Event,
    type EventNames,
    type EventNamesWithAck,
    type EventParams,
    type EventsMap,
    type ExtendedError,
    type FirstNonErrorArg,
    type Handshake,
    InMemoryAdapter,
    type Last,
    MalformedPacketError,
    Namespace,
    type NamespaceMiddleware,
    type NamespaceReservedEvents,
    type PacketDecoder,
    type PacketEncoder,
    type PacketParser,
    ParentNamespace,
    ParleyServerError,
    type ParleyServerErrorCode,
    type PrivateSessionId,
    RemoteSocket,
    ReservedEventError,
    type ReservedOrUserEventNames,
    type ReservedOrUserListener,
    type RestoredSession,
    type Room,
    Server,
    type ServerOptions,
    type Session,
    SessionAwareAdapter,
    Socket,
    type SocketDetails,
    type SocketId,
    type SocketMiddleware,
    type SocketReservedEvents,
    type SocketServerOptions,
    StrictEventEmitter,
  };
}

Object.assign(createServer, parley);

export default createServer;
