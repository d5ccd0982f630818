/**
 * Type level: the official adapters go into Parley's `adapter` option and `io.adapter()` without
 * a cast, as they do with socket.io.
 */
import type { createAdapter as createClusterAdapter } from '@socket.io/cluster-adapter';
import type { createAdapter as createPostgresAdapter } from '@socket.io/postgres-adapter';
import { createAdapter as createRedisAdapter } from '@socket.io/redis-adapter';
import type { createAdapter as createStreamsAdapter } from '@socket.io/redis-streams-adapter';
import type { Adapter, SessionAwareAdapter } from 'socket.io-adapter';
import { describe, expectTypeOf, it } from 'vitest';
import type { AdapterConstructor, Server, ServerOptions } from '../../src/index.js';

describe('official adapter types', () => {
  it('accepts every official adapter factory and class', () => {
    expectTypeOf<ReturnType<typeof createRedisAdapter>>().toExtend<AdapterConstructor>();
    expectTypeOf<ReturnType<typeof createStreamsAdapter>>().toExtend<AdapterConstructor>();
    expectTypeOf<ReturnType<typeof createPostgresAdapter>>().toExtend<AdapterConstructor>();
    expectTypeOf<ReturnType<typeof createClusterAdapter>>().toExtend<AdapterConstructor>();
    expectTypeOf<typeof Adapter>().toExtend<AdapterConstructor>();
    expectTypeOf<typeof SessionAwareAdapter>().toExtend<AdapterConstructor>();
    expectTypeOf<ServerOptions['adapter']>().toEqualTypeOf<AdapterConstructor>();
    expectTypeOf<Server['adapter']>().toBeCallableWith(createRedisAdapter({} as never, {} as never));
  });
});
