/**
 * Entry of the browser IIFE bundle (socket.io.js): exposes `io` as a global, with the same
 * properties socket.io-client's bundle gives it (`io.Manager`, `io.Socket`, `io.connect`, ...).
 */

import { io } from './lookup.js';
import { Manager } from './manager.js';
import { Socket } from './socket.js';

(globalThis as { io?: unknown }).io = Object.assign(io, { io, connect: io, Manager, Socket, protocol: 5 });
