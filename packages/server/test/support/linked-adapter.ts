/**
 * A tiny in-process "cluster" adapter for tests: every server created with the same group's
 * adapter shares broadcasts, acks counting, fetchSockets and serverSideEmit, the way a Redis
 * adapter would across processes. It exercises the adapter contract end to end.
 */
import type { SocketPacket } from '@parley/protocol';
import { type BroadcastOptions, InMemoryAdapter, type Namespace, type SocketDetails } from '../../src/index.js';

export function linkedAdapterGroup() {
  const members = new Set<LinkedAdapter>();

  class LinkedAdapter extends InMemoryAdapter {
    // biome-ignore lint/suspicious/noExplicitAny: any namespace
    constructor(nsp: Namespace<any, any, any, any>) {
      super(nsp);
      members.add(this);
    }

    override close(): void {
      members.delete(this);
    }

    #peers(): LinkedAdapter[] {
      return [...members].filter((m) => m !== this && m.nsp.name === this.nsp.name);
    }

    override serverCount(): Promise<number> {
      return Promise.resolve(this.#peers().length + 1);
    }

    override broadcast(packet: SocketPacket, opts: BroadcastOptions): void {
      super.broadcast({ ...packet }, opts);
      if (opts.flags?.local) return;
      for (const peer of this.#peers()) peer.localBroadcast({ ...packet }, opts);
    }

    localBroadcast(packet: SocketPacket, opts: BroadcastOptions): void {
      super.broadcast(packet, opts);
    }

    override broadcastWithAck(
      packet: SocketPacket,
      opts: BroadcastOptions,
      clientCountCallback: (count: number) => void,
      ack: (response: unknown) => void,
    ): void {
      super.broadcastWithAck({ ...packet }, opts, clientCountCallback, ack);
      for (const peer of this.#peers()) {
        setImmediate(() => peer.localBroadcastWithAck({ ...packet }, opts, clientCountCallback, ack));
      }
    }

    localBroadcastWithAck(
      packet: SocketPacket,
      opts: BroadcastOptions,
      clientCountCallback: (count: number) => void,
      ack: (response: unknown) => void,
    ): void {
      super.broadcastWithAck(packet, opts, clientCountCallback, ack);
    }

    override async fetchSockets(opts: BroadcastOptions): Promise<SocketDetails[]> {
      const local = await super.fetchSockets(opts);
      if (opts.flags?.local) return local;
      const remote: SocketDetails[] = [];
      for (const peer of this.#peers()) {
        for (const socket of await peer.localFetch(opts)) {
          // What would cross the wire: plain data only.
          remote.push({ id: socket.id, handshake: socket.handshake, rooms: new Set(socket.rooms), data: socket.data });
        }
      }
      return [...local, ...remote];
    }

    localFetch(opts: BroadcastOptions): Promise<SocketDetails[]> {
      return super.fetchSockets(opts);
    }

    override addSockets(opts: BroadcastOptions, rooms: (string | number)[]): void {
      super.addSockets(opts, rooms);
      for (const peer of this.#peers()) peer.localAdd(opts, rooms);
    }

    localAdd(opts: BroadcastOptions, rooms: (string | number)[]): void {
      super.addSockets(opts, rooms);
    }

    receiveServerSideEmit(args: unknown[]): void {
      this.host.receiveServerSideEmit(args);
    }

    override serverSideEmit(packet: unknown[]): void {
      const last = packet[packet.length - 1];
      const peers = this.#peers();
      if (typeof last !== 'function') {
        for (const peer of peers) peer.receiveServerSideEmit([...packet]);
        return;
      }
      const ack = last as (err: Error | null, responses: unknown[]) => void;
      const args = packet.slice(0, -1);
      const responses: unknown[] = [];
      if (peers.length === 0) {
        ack(null, []);
        return;
      }
      for (const peer of peers) {
        peer.receiveServerSideEmit([
          ...args,
          (response: unknown) => {
            responses.push(response);
            if (responses.length === peers.length) ack(null, responses);
          },
        ]);
      }
    }
  }

  return LinkedAdapter;
}
