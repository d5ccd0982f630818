import type { EngineCloseReason } from '../engine/contract.js';

/** Why a socket left its namespace: the strings socket.io reports to `disconnect` listeners. */
export type DisconnectReason =
  | 'transport error'
  | 'transport close'
  | 'forced close'
  | 'ping timeout'
  | 'parse error'
  | 'server shutting down'
  | 'forced server close'
  | 'client namespace disconnect'
  | 'server namespace disconnect'
  /** Parley only: the client stopped reading and fell `maxBufferedBytes` behind (engine option). */
  | 'send buffer full';

/** Reasons after which a client may come back and recover its session. */
export const RECOVERABLE_DISCONNECT_REASONS: ReadonlySet<string> = new Set([
  'transport error',
  'transport close',
  'forced close',
  'ping timeout',
  'server shutting down',
  'forced server close',
]);

/** What a socket's `disconnect` listeners hear when its engine session closes for `reason`. */
const DISCONNECT_REASON_OF_ENGINE: Readonly<Record<EngineCloseReason, DisconnectReason>> = {
  'transport close': 'transport close',
  'transport error': 'transport error',
  'ping timeout': 'ping timeout',
  'parse error': 'parse error',
  'forced close': 'forced close',
  'send buffer full': 'send buffer full',
};

/**
 * The one place an engine's close reason becomes a {@link DisconnectReason}. An engine bound with
 * `io.bind()` may report a string outside {@link EngineCloseReason}: socket.io hands such a string
 * to `disconnect` listeners as it is, and so does this.
 */
export function disconnectReasonOf(reason: EngineCloseReason | string): DisconnectReason {
  return Object.hasOwn(DISCONNECT_REASON_OF_ENGINE, reason)
    ? DISCONNECT_REASON_OF_ENGINE[reason as EngineCloseReason]
    : (reason as DisconnectReason);
}
