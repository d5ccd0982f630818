/**
 * @parley/client: a drop-in replacement for socket.io-client, for browsers and Node.
 *
 * @example
 * import { io } from '@parley/client';
 * const socket = io('http://localhost:3000');
 * socket.on('connect', () => socket.emit('hello', 'world'));
 */
import { io } from './lookup.js';

export { Backoff } from './backoff.js';
export { Emitter } from './emitter.js';
export { type BinaryType, Engine, type EngineEvents, type EngineState, type HandshakeData } from './engine/engine.js';
export type { EngineOptions } from './engine/options.js';
export type { CloseDetails, Transport, TransportName } from './engine/transport.js';
export { AckError, ClientError, type ClientErrorCode, ConnectError, TransportError } from './errors.js';
export { Manager, type ManagerEvents, type ManagerOptions, type ManagerState } from './manager.js';
export type { Parser } from './parser.js';
export { Socket } from './socket.js';
export type { OutgoingSocketPacket, SocketOptions } from './socket-types.js';
export type { Timers } from './timers.js';
export type {
  DecorateAcknowledgements,
  DefaultEventsMap,
  DisconnectReason,
  EventNames,
  EventParams,
  EventsMap,
  SocketReservedEvents,
} from './types.js';
export { io, io as connect, io as default };
/** The Socket.IO protocol revision this client speaks. */
export const protocol = 5;
