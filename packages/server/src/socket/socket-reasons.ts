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
