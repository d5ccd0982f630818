/**
 * The CommonJS entry. As with socket.io-client, `require('@parley/client')` is the `io` function,
 * and it carries every named export. The build turns this module's default export into
 * `module.exports` and its declaration into `export =`.
 *
 * @example
 * const io = require('@parley/client');
 * const socket = io('http://localhost:3000');
 * const { Manager } = require('@parley/client');
 */
import * as parley from './index.js';
import {
  AckError,
  Backoff,
  type BinaryType,
  ClientError,
  type ClientErrorCode,
  type CloseDetails,
  ConnectError,
  type DecorateAcknowledgements,
  type DefaultEventsMap,
  type DisconnectReason,
  Emitter,
  Engine,
  type EngineEvents,
  type EngineOptions,
  type EngineState,
  type EventNames,
  type EventParams,
  type EventsMap,
  type HandshakeData,
  Manager,
  type ManagerEvents,
  type ManagerOptions,
  type ManagerState,
  type OutgoingSocketPacket,
  type Parser,
  protocol,
  Socket,
  type SocketOptions,
  type SocketReservedEvents,
  type Timers,
  type Transport,
  TransportError,
  type TransportName,
} from './index.js';

/** `require('@parley/client')(url, opts)`: the same as `io(url, opts)`. */
function lookup<ListenEvents extends EventsMap = DefaultEventsMap, EmitEvents extends EventsMap = ListenEvents>(
  uri?: string | (Partial<ManagerOptions> & SocketOptions),
  opts?: Partial<ManagerOptions> & SocketOptions,
): Socket<ListenEvents, EmitEvents> {
  return parley.io<ListenEvents, EmitEvents>(uri, opts);
}

// The named exports, as members of the callable export (assigned just below).
declare namespace lookup {
  export {
    AckError,
    Backoff,
    type BinaryType,
    ClientError,
    type ClientErrorCode,
    type CloseDetails,
    ConnectError,
    type DecorateAcknowledgements,
    type DefaultEventsMap,
    type DisconnectReason,
    Emitter,
    Engine,
    type EngineEvents,
    type EngineOptions,
    type EngineState,
    type EventNames,
    type EventParams,
    type EventsMap,
    type HandshakeData,
    lookup as io,
    lookup as connect,
    Manager,
    type ManagerEvents,
    type ManagerOptions,
    type ManagerState,
    type OutgoingSocketPacket,
    type Parser,
    protocol,
    Socket,
    type SocketOptions,
    type SocketReservedEvents,
    type Timers,
    type Transport,
    TransportError,
    type TransportName,
  };
}

Object.assign(lookup, parley, { io: lookup, connect: lookup, default: lookup });

export default lookup;
