/**
 * Replacing the adapter (`io.adapter(Class)` after construction) closes the one it replaces:
 * a cluster adapter swapped out at startup must not stay subscribed as a ghost node.
 */
import { describe, expect, it } from 'vitest';
import { InMemoryAdapter, type Namespace, Server } from '../src/index.js';
import { connected, startServer, until } from './support/harness.js';

/** Records the namespaces whose adapter was closed, and can be told to fail its close. */
function observedAdapter(closed: string[], failure?: Error) {
  return class ObservedAdapter extends InMemoryAdapter {
    // biome-ignore lint/suspicious/noExplicitAny: adapters serve namespaces of any event types
    constructor(nsp: Namespace<any, any, any, any>) {
      super(nsp);
    }
    override close(): Promise<void> {
      closed.push(this.nsp.name);
      return failure === undefined ? Promise.resolve() : Promise.reject(failure);
    }
  };
}

describe('replacing the adapter', () => {
  it('closes the previous adapter of every namespace', async () => {
    const closedFirst: string[] = [];
    const closedSecond: string[] = [];
    const io = new Server({ adapter: observedAdapter(closedFirst) });
    io.of('/chat');
    const first = io.of('/chat').adapter;
    io.adapter(observedAdapter(closedSecond));
    await until(() => closedFirst.length === 2);
    expect(closedFirst.sort()).toEqual(['/', '/chat']);
    expect(closedSecond).toEqual([]);
    expect(io.of('/chat').adapter).not.toBe(first);
    await io.close();
    expect(closedSecond.sort()).toEqual(['/', '/chat']);
  });

  it("reports a failing close to the namespace's error listeners, not to its clients", async () => {
    const failure = new Error('redis connection already gone');
    const { io, url } = await startServer({ adapter: observedAdapter([], failure) });
    io.on('connection', (socket) => socket.on('ping', (ack: () => void) => ack()));
    const client = await connected(url);
    const seenByClient: string[] = [];
    client.onAny((event: string) => seenByClient.push(event));
    const reported = new Promise<unknown>((resolve) => io.of('/').on('error', resolve));
    io.adapter(InMemoryAdapter);
    expect(await reported).toBe(failure);
    // A round trip: anything the server had sent before its answer has arrived by now.
    await client.timeout(5000).emitWithAck('ping');
    expect(seenByClient).toEqual([]);
  });

  it('keeps serving clients with the new adapter', async () => {
    const closed: string[] = [];
    const { io, url } = await startServer({ adapter: observedAdapter(closed) });
    io.adapter(InMemoryAdapter);
    io.on('connection', (socket) => socket.join('room'));
    const client = await connected(url);
    const received = new Promise<unknown>((resolve) => client.on('news', resolve));
    await until(() => (io.of('/').adapter as InMemoryAdapter).rooms.get('room')?.size === 1);
    io.to('room').emit('news', 'fresh');
    expect(await received).toBe('fresh');
    expect(closed).toEqual(['/']);
  });
});
