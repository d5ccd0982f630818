/**
 * The one place the socket layer imports the engine: its server class and `prepareMessage`.
 * Everything else codes against the interfaces in `./engine/contract.js`.
 */
export { prepareMessage, Server as EngineServer } from './engine/index.js';
