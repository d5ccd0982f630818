/** The three ways a client reaches the server that the suites run over, and the client option for each. */
export type TransportMode = 'polling' | 'websocket' | 'upgrade';
export const TRANSPORT_MODES: TransportMode[] = ['polling', 'websocket', 'upgrade'];

/** The `transports` option that makes a client use `mode`. */
export const transportsFor: Record<TransportMode, string[]> = {
  polling: ['polling'],
  websocket: ['websocket'],
  upgrade: ['polling', 'websocket'],
};
