/**
 * @parley/server/engine: the Engine.IO v4 transport layer on its own (polling, WebSocket, SSE,
 * upgrades, heartbeats), shaped like the `engine.io` package.
 *
 * @example
 * import { listen } from '@parley/server/engine';
 * const engine = listen(3000);
 * engine.on('connection', (socket) => {
 *   socket.on('message', (data) => socket.send(data));
 * });
 */
export { attach, listen } from './attach.js';
export type {
  EngineCloseReason,
  EngineReadyState,
  EngineServerLike,
  EngineSocketLike,
  PreparedMessage,
  SendOptions,
  SessionReceiver,
} from './contract.js';
export type { EngineProtocol } from './eio3/revision.js';
export {
  EngineError,
  type EngineErrorCode,
  PayloadTooLargeError,
  REQUEST_ERROR_MESSAGES,
  RequestError,
  RequestErrorCode,
  type RequestErrorNumber,
  SendBufferFullError,
  TransportError,
} from './errors.js';
export type { CookieOptions } from './http/cookie.js';
export { type CorsOptions, createCorsMiddleware } from './http/cors.js';
export type { Middleware } from './http/middleware.js';
export { generateId } from './ids.js';
export type { AllowRequest, AttachOptions, HttpCompressionOptions, ServerOptions, TransportName } from './options.js';
export { type PublicPacket, prepareMessage } from './packet.js';
export { HandshakeRequest } from './request.js';
export { DEFAULT_MAX_BUFFERED_BYTES, SEND_BUFFER_FULL } from './send-buffer.js';
export { type ConnectionErrorEvent, Server } from './server.js';
export type { SessionRouter } from './session-router.js';
export { Socket } from './socket.js';
export { encodeSseEvent } from './transports/sse.js';
export { Transport } from './transports/transport.js';

/** Engine.IO protocol revision this engine speaks. */
export const protocol = 4;
