/**
 * Test-only stand-in for Parley's engine while it is being built: the official engine.io
 * server, given the two things the socket layer needs beyond it (`sendPrepared`,
 * `prepareMessage`). Put in place of the binding by `engine-choice.ts` under PARLEY_ENGINE=engine.io.
 */
import { Server, Socket } from 'engine.io';

interface Prepared {
  readonly data: string | Uint8Array;
}

const proto = Socket.prototype as unknown as {
  sendPrepared?: (message: Prepared, options?: { compress?: boolean }) => void;
  send(data: unknown, options?: unknown): unknown;
};
proto.sendPrepared = function sendPrepared(message, options) {
  this.send(message.data, { ...options });
};

export { createCorsMiddleware } from '../../src/engine/http/cors.js';
export { normalizePath } from '../../src/engine/options.js';
export const EngineServer = Server;
export function prepareMessage(data: string | Uint8Array): Prepared {
  return { data };
}
