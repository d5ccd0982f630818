/**
 * @parley/server: a drop-in replacement for the `socket.io` server package.
 *
 * @example
 * import { Server } from '@parley/server';
 * const io = new Server(3000);
 * io.on('connection', (socket) => socket.emit('hello', 'world'));
 */
export { adapterHostOf } from './adapter-host.js';
export type {
  AdapterAck,
  AdapterContract,
  AdapterHost,
  BroadcastFlags,
  BroadcastOptions,
  HostedSocket,
  PrivateSessionId,
  RecoveryOptions,
  RestoredSession,
  Room,
  Session,
  SocketDetails,
  SocketId,
  SocketIoAdapterClient,
  SocketIoAdapterNamespace,
  SocketIoAdapterServer,
  SocketIoAdapterSocket,
} from './adapter-types.js';
export type { AnyListener } from './any-listeners.js';
export { BroadcastOperator, type BroadcastParams } from './broadcast-operator.js';
export { Client } from './client.js';
export type { SessionRouter } from './engine-binding.js';
export {
  AckTimeoutError,
  type ExtendedError,
  ParleyServerError,
  type ParleyServerErrorCode,
  ReservedEventError,
} from './errors.js';
export type { Handshake } from './handshake.js';
export { Adapter, InMemoryAdapter } from './in-memory-adapter.js';
export { MalformedPacketError } from './malformed-packet.js';
export type { MetricsSnapshot } from './metrics.js';
export {
  type AnyNamespace,
  Namespace,
  type NamespaceMiddleware,
  type NamespaceReservedEvents,
} from './namespace.js';
export type { PacketDecoder, PacketEncoder, PacketParser } from './packet-codec.js';
export { ParentNamespace } from './parent-namespace.js';
export { RemoteSocket, type RemoteSocketWithTimeout } from './remote-socket.js';
export { attachServe, ClientBundle, defaultBundleDirectory } from './serve-client.js';
export { Server } from './server.js';
export type {
  AdapterConstructor,
  ConnectionStateRecoveryOptions,
  EngineOptions,
  ServerOptions,
  SocketServerOptions,
} from './server-options.js';
export { SessionAwareAdapter } from './session-aware-adapter.js';
export {
  type AnySocket,
  type DisconnectReason,
  type Event,
  Socket,
  type SocketMiddleware,
  type SocketReservedEvents,
} from './socket.js';
export type {
  AllButLast,
  DecorateAcknowledgements,
  DecorateAcknowledgementsWithMultipleResponses,
  DefaultEventsMap,
  EventNames,
  EventNamesWithAck,
  EventParams,
  EventsMap,
  FirstNonErrorArg,
  Last,
  ReservedOrUserEventNames,
  ReservedOrUserListener,
} from './typed-events.js';
export { StrictEventEmitter } from './typed-events.js';
