/**
 * Entry of the browser IIFE bundle (socket.io.js): exposes `io` as a global, with the same
 * properties socket.io-client's bundle gives it (`io.Manager`, `io.Socket`, `io.connect`, `io.io`;
 * lookup.ts sets them).
 */

import { io } from './lookup.js';

(globalThis as { io?: unknown }).io = io;
