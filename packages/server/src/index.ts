/**
 * @parley/server: a drop-in replacement for the `socket.io` server package.
 *
 * @example
 * import { Server } from '@parley/server';
 * const io = new Server(3000);
 * io.on('connection', (socket) => socket.emit('hello', 'world'));
 */
export { adapterHostOf } from './adapter/adapter-host.js';
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
} from './adapter/adapter-types.js';
export { Adapter, InMemoryAdapter } from './adapter/in-memory-adapter.js';
export { SessionAwareAdapter } from './adapter/session-aware-adapter.js';
export {
  BroadcastOperator,
  type BroadcastParams,
  RemoteSocket,
  type RemoteSocketWithTimeout,
} from './broadcast/broadcast-operator.js';
export { Client } from './connection/client.js';
export type { MetricsSnapshot } from './diagnostics/metrics.js';
export type { SessionRouter } from './engine-binding.js';
export {
  AckTimeoutError,
  type ExtendedError,
  ParleyServerError,
  type ParleyServerErrorCode,
  ReservedEventError,
} from './errors.js';
export type { AnyListener } from './events/any-listeners.js';
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
} from './events/typed-events.js';
export { StrictEventEmitter } from './events/typed-events.js';
export {
  type AnyNamespace,
  Namespace,
  type NamespaceMiddleware,
  type NamespaceReservedEvents,
} from './namespace/namespace.js';
export { ParentNamespace } from './namespace/parent-namespace.js';
export { MalformedPacketError } from './packets/malformed-packet.js';
export type { PacketDecoder, PacketEncoder, PacketParser } from './packets/packet-codec.js';
export { attachServe, ClientBundle, defaultBundleDirectory } from './serve-client/serve-client.js';
export { Server } from './server.js';
export type {
  AdapterConstructor,
  ConnectionStateRecoveryOptions,
  EngineOptions,
  ServerOptions,
  SocketServerOptions,
} from './server-options.js';
export type { Handshake } from './socket/handshake.js';
export {
  type AnySocket,
  type DisconnectReason,
  type Event,
  Socket,
  type SocketMiddleware,
  type SocketReservedEvents,
} from './socket/socket.js';
