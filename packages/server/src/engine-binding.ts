/**
 * The one place the socket layer imports the engine: its server class, `prepareMessage`, the
 * CORS middleware that the client bundle route shares with the engine's requests, and the rule
 * that normalizes the endpoint path (`io.path()` and the engine's path must agree).
 * Everything else codes against the interfaces in `./engine/contract.js`.
 */

export type { SessionRouter } from './engine/index.js';
export { createCorsMiddleware, type Middleware, prepareMessage, Server as EngineServer } from './engine/index.js';
export { normalizePath } from './engine/options.js';
