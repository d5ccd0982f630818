/**
 * The seam between a server and the parts it creates (clients, namespaces, sockets, adapter
 * hosts): what they share with it beyond its public API. It is kept off the Server class, so that
 * applications and the published types never see it, and in a module of its own, so that those
 * parts need no runtime import of server.ts (which imports them).
 */
import type { Decoder } from '@parley/protocol';
import type { AdapterContract } from './adapter/adapter-types.js';
import type { ServerMetrics } from './diagnostics/metrics.js';
import type { PeerLog } from './diagnostics/peer-log.js';
import type { AnyNamespace } from './namespace/namespace.js';
import type { ConnectionStateRecoveryOptions } from './server-options.js';

export interface ServerInternals {
  /** The counters behind `io.metrics()`, bumped by clients, sockets and namespaces. */
  readonly metrics: ServerMetrics;
  /** Log lines a peer can cause, rate-limited per peer and reason. */
  readonly peerLog: PeerLog;
  /** The resolved `connectionStateRecovery` option; undefined when recovery is off. */
  readonly recovery: Required<ConnectionStateRecoveryOptions> | undefined;
  /** The `maxAttachments` option, for the decoders of clients that send binary packets. */
  readonly maxAttachments: number | undefined;
  /** The `cleanupEmptyChildNamespaces` option, read by dynamic-namespace parents. */
  readonly cleanupEmptyChildNamespaces: boolean;
  /**
   * The decoder clients share for text packets without attachments: decoding those keeps no
   * state, so a client needs a decoder of its own only once it sends a binary packet.
   */
  readonly textDecoder: Decoder;
  /** A new adapter for `nsp`, from the `adapter` option (or the built-in ones). */
  createAdapter(nsp: AnyNamespace): AdapterContract;
}

const internalsByServer = new WeakMap<object, ServerInternals>();

/** Called once by each server, in its constructor, before it creates its first namespace. */
export function registerServerInternals(server: object, internals: ServerInternals): void {
  internalsByServer.set(server, internals);
}

/** The {@link ServerInternals} of `server` (a Server). */
export function serverInternalsOf(server: object): ServerInternals {
  return internalsByServer.get(server)!;
}
