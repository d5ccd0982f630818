/** Options of the Socket.IO server (the engine's options are accepted alongside). */
import type { AdapterContract } from './adapter/adapter-types.js';
import type { EngineServer } from './engine-binding.js';
import type { AnyNamespace } from './namespace/namespace.js';
import type { PacketParser } from './packets/packet-codec.js';

/**
 * An adapter class, or a factory function (what `createAdapter(...)` of the Redis, Postgres and
 * cluster adapters returns). The server calls it with `new` for each namespace, as socket.io does.
 * Official `socket.io-adapter` subclasses are accepted: their namespace parameter is typed
 * against socket.io's classes, hence the loose parameter type.
 */
// biome-ignore lint/suspicious/noExplicitAny: socket.io-typed adapters declare their own namespace type
export type AdapterConstructor = (new (nsp: AnyNamespace) => AdapterContract) | ((nsp: any) => AdapterContract);

export interface ConnectionStateRecoveryOptions {
  /** How long a dropped client may take to come back and still recover (default 2 minutes). */
  maxDisconnectionDuration?: number;
  /** Skip the connection middlewares for a recovered socket (default true). */
  skipMiddlewares?: boolean;
}

/**
 * The options of the engine (pingInterval, transports, cors, allowRequest, maxHttpBufferSize, ...)
 * and of its attachment to the HTTP server (addTrailingSlash, destroyUpgrade, ...).
 */
export type EngineOptions = NonNullable<Parameters<InstanceType<typeof EngineServer>['attach']>[1]>;

export interface SocketServerOptions {
  /** The endpoint path (default `/socket.io`). */
  path: string;
  /** Serve the browser client bundle at `<path>/socket.io.js` and friends (default true). */
  serveClient: boolean;
  /** The adapter class, e.g. a cluster adapter (default: in memory). */
  adapter: AdapterConstructor;
  /** Close a connection that joins no namespace within this many ms (default 45000). */
  connectTimeout: number;
  /** Let clients that drop recover their id, rooms, data and missed events. Off by default. */
  connectionStateRecovery: ConnectionStateRecoveryOptions;
  /** Delete dynamic child namespaces when their last socket leaves (default false). */
  cleanupEmptyChildNamespaces: boolean;
  /** Most binary attachments one packet may carry (default 10). */
  maxAttachments: number;
  /**
   * A packet codec with socket.io-parser's interface (e.g. `socket.io-msgpack-parser`); clients
   * must use the same. Default: the built-in codec.
   */
  parser: PacketParser;
}

export type ServerOptions = SocketServerOptions & EngineOptions;

export const DEFAULT_PATH = '/socket.io';
export const DEFAULT_CONNECT_TIMEOUT = 45_000;
export const DEFAULT_MAX_DISCONNECTION_DURATION = 2 * 60 * 1000;
