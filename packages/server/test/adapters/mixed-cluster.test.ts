/**
 * A rolling migration: Parley and socket.io servers in one cluster through
 * @socket.io/redis-adapter. The whole adapter contract holds whichever kind of server the
 * broadcast, request or serverSideEmit starts from.
 */
import { describe } from 'vitest';
import { redisAdapterCluster } from './backends.js';
import { adapterContract } from './contract.js';

describe('Parley then socket.io, sharing @socket.io/redis-adapter', () => {
  adapterContract({ start: (opts) => redisAdapterCluster(['parley', 'socket.io'], opts), recovery: false });
});

describe('socket.io then Parley, sharing @socket.io/redis-adapter', () => {
  adapterContract({ start: (opts) => redisAdapterCluster(['socket.io', 'parley'], opts), recovery: false });
});
