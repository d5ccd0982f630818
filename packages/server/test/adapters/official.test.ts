/**
 * The adapter contract against Parley's in-memory adapters and the official adapters a socket.io
 * application may already use: they plug into Parley unchanged.
 */
import { Adapter as OfficialAdapter, SessionAwareAdapter as OfficialSessionAwareAdapter } from 'socket.io-adapter';
import { describe } from 'vitest';
import { describeWith } from '../support/needs.js';
import {
  postgresAdapterCluster,
  postgresNeed,
  redisAdapterCluster,
  singleNode,
  streamsAdapterCluster,
} from './backends.js';
import { adapterContract } from './contract.js';

describe('in-memory adapter (Parley)', () => {
  adapterContract({ start: (opts) => singleNode(undefined, opts), recovery: true });
});

describe('socket.io-adapter Adapter (in memory)', () => {
  adapterContract({ start: (opts) => singleNode(OfficialAdapter, opts), recovery: false });
});

describe('socket.io-adapter SessionAwareAdapter', () => {
  adapterContract({
    // It needs connectionStateRecovery on (it reads its options in its constructor).
    start: (opts) => singleNode(OfficialSessionAwareAdapter, opts),
    recovery: true,
    recoveryOnly: true,
  });
});

describe('@socket.io/redis-adapter', () => {
  adapterContract({ start: (opts) => redisAdapterCluster(['parley', 'parley'], opts), recovery: false });
});

describe('@socket.io/redis-streams-adapter', () => {
  adapterContract({ start: (opts) => streamsAdapterCluster(opts), recovery: true });
});

const postgres = await postgresNeed();
describeWith(postgres)('@socket.io/postgres-adapter', () => {
  adapterContract({ start: (opts) => postgresAdapterCluster(postgres.url as string, opts), recovery: false });
});
