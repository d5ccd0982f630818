/** Random ids for sockets and private sessions: the engine's pooled generator. */
export { generateId } from '../engine/ids.js';
