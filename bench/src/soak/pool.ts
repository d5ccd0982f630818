/**
 * The soak's clients: a fixed number of slots, each holding one Socket.IO connection over
 * WebSocket (the bench's bare-TCP client) or HTTP long-polling. Churn closes random clients
 * (half with a Socket.IO disconnect first, half by dropping the connection) and reconnects
 * their slot on a transport drawn again, so the server keeps creating and destroying sessions,
 * room memberships and pending acks for the whole run.
 */
import { HANDSHAKE_TIMEOUT_MS } from '../loadgen/context.js';
import { RawSocketIoClient, upgradeRequest } from '../loadgen/raw-client.js';
import { connectMany } from '../loadgen/websocket-client.js';
import { CHAR_2, CHAR_3, CHAR_4 } from '../loadgen/wire.js';
import type { SoakOptions } from './options.js';
import { PollingSocketIoClient } from './polling-client.js';

export type SoakTransport = 'websocket' | 'polling';

/** What the clients saw over the run. */
export interface PoolTally {
  /** Handshakes completed, initial ones included. */
  connectionsOpened: number;
  /** Closed on purpose by churn. */
  churned: number;
  /** Reconnects that failed (the slot is retried on a later tick). */
  connectFailures: number;
  lastConnectError: string | undefined;
  /** Connections the server closed while the run still needed them, by transport. */
  droppedByServer: Record<SoakTransport, number>;
  /** Why the last polling client was dropped (a failed request's error, or a close packet). */
  lastPollingDrop: string | undefined;
  broadcastsSent: number;
  /** `room` events received, all clients together. */
  deliveries: number;
  echoesSent: number;
  acks: number;
  /** Echoes whose client was churned or dropped before the ack came. */
  acksLostToChurn: number;
}

interface Link {
  sendText(text: string): void;
  close(clean: boolean): void;
}

interface Slot {
  link: Link | undefined;
  transport: SoakTransport;
  pendingAcks: number;
  connecting: boolean;
}

/** Reconnects in flight at once during churn: bounds the burst a slow server sees. */
const MAX_RECONNECTS_IN_FLIGHT = 64;

export class SoakPool {
  readonly tally: PoolTally = {
    connectionsOpened: 0,
    churned: 0,
    connectFailures: 0,
    lastConnectError: undefined,
    droppedByServer: { websocket: 0, polling: 0 },
    lastPollingDrop: undefined,
    broadcastsSent: 0,
    deliveries: 0,
    echoesSent: 0,
    acks: 0,
    acksLostToChurn: 0,
  };
  readonly #options: SoakOptions;
  readonly #host: string;
  readonly #port: number;
  readonly #request: Buffer;
  readonly #slots: Slot[];
  #reconnectsInFlight = 0;
  #nextAckId = 0;
  #stopping = false;

  constructor(options: SoakOptions, host: string, port: number) {
    this.#options = options;
    this.#host = host;
    this.#port = port;
    this.#request = upgradeRequest(host, port);
    const pollingCount = Math.round(options.connections * options.pollingFraction);
    this.#slots = Array.from({ length: options.connections }, (_, index) => ({
      link: undefined,
      // Polling clients spread evenly over the slots, so that churn picks both kinds alike.
      transport:
        pollingCount > 0 && index % Math.ceil(options.connections / pollingCount) === 0 ? 'polling' : 'websocket',
      pendingAcks: 0,
      connecting: false,
    }));
  }

  /** Slots holding an open connection. */
  get connected(): number {
    let count = 0;
    for (const slot of this.#slots) if (slot.link) count++;
    return count;
  }

  /** Connects every slot; rejects if the batch cannot complete within `deadlineMs`. */
  async fill(deadlineMs: number): Promise<void> {
    await connectMany(this.#slots.length, this.#options.connectConcurrency, deadlineMs, (index) =>
      this.#connect(index),
    );
  }

  /** Replaces `count` random connected clients, and reconnects slots left empty earlier. */
  churn(count: number): void {
    for (let i = 0; i < count; i++) {
      const index = this.#randomConnected();
      if (index === undefined) break;
      const slot = this.#slots[index];
      slot.link?.close(this.tally.churned % 2 === 0);
      this.#vacate(slot);
      this.tally.churned++;
      slot.transport = Math.random() < this.#options.pollingFraction ? 'polling' : 'websocket';
    }
    for (let index = 0; index < this.#slots.length; index++) {
      if (this.#reconnectsInFlight >= MAX_RECONNECTS_IN_FLIGHT) break;
      const slot = this.#slots[index];
      if (slot.link || slot.connecting) continue;
      this.#reconnectsInFlight++;
      this.#connect(index)
        .catch((error: Error) => {
          this.tally.connectFailures++;
          this.tally.lastConnectError = error.message;
        })
        .finally(() => {
          this.#reconnectsInFlight--;
        });
    }
  }

  /** A client of a random room asks the server to broadcast to that room. */
  broadcast(sequence: number): void {
    const index = this.#randomConnected();
    if (index === undefined) return;
    const room = `r${sequence % this.#options.rooms}`;
    this.#slots[index].link?.sendText(`42["room",{"room":"${room}","seq":${sequence},"t":${Date.now()}}]`);
    this.tally.broadcastsSent++;
  }

  /** A random client sends an acknowledged echo. */
  echo(): void {
    const index = this.#randomConnected();
    if (index === undefined) return;
    const slot = this.#slots[index];
    slot.pendingAcks++;
    this.tally.echoesSent++;
    slot.link?.sendText(`42${this.#nextAckId++}["echo","soak ${index}"]`);
  }

  /** Closes every client (cleanly), after which nothing reconnects. */
  closeAll(): void {
    this.#stopping = true;
    for (const slot of this.#slots) {
      slot.link?.close(true);
      this.#vacate(slot);
    }
  }

  async #connect(index: number): Promise<void> {
    const slot = this.#slots[index];
    slot.connecting = true;
    try {
      const link = slot.transport === 'polling' ? await this.#connectPolling(slot) : await this.#connectWebSocket(slot);
      if (this.#stopping) {
        link.close(false);
        return;
      }
      slot.link = link;
      this.tally.connectionsOpened++;
      link.sendText(`42["join","r${index % this.#options.rooms}"]`);
    } finally {
      slot.connecting = false;
    }
  }

  async #connectWebSocket(slot: Slot): Promise<Link> {
    let link: Link | undefined;
    const client = await RawSocketIoClient.connect({
      host: this.#host,
      port: this.#port,
      localAddress: this.#sourceAddress(),
      timeoutMs: HANDSHAKE_TIMEOUT_MS,
      request: this.#request,
      onFrame: (_client, data, start) => this.#onFrame(slot, data, start),
      onClose: () => {
        if (link) this.#onServerClose(slot, link);
      },
    });
    link = {
      sendText: (text) => client.sendText(text),
      close: (clean) => {
        if (clean) client.sendText('41');
        void client.close();
      },
    };
    return link;
  }

  async #connectPolling(slot: Slot): Promise<Link> {
    let link: Link | undefined;
    const client = await PollingSocketIoClient.connect({
      host: this.#host,
      port: this.#port,
      localAddress: this.#sourceAddress(),
      timeoutMs: HANDSHAKE_TIMEOUT_MS,
      onPacket: (_client, packet) => this.#onPacket(slot, packet),
      onClose: (_client, reason) => {
        if (link && this.#onServerClose(slot, link)) this.tally.lastPollingDrop = reason;
      },
    });
    link = client;
    return client;
  }

  #onFrame(slot: Slot, data: Buffer, start: number): void {
    if (data[start] !== CHAR_4) return;
    const type = data[start + 1];
    if (type === CHAR_3) this.#onAck(slot);
    else if (type === CHAR_2) this.tally.deliveries++;
  }

  #onPacket(slot: Slot, packet: string): void {
    if (packet.startsWith('43')) this.#onAck(slot);
    else if (packet.startsWith('42')) this.tally.deliveries++;
  }

  #onAck(slot: Slot): void {
    this.tally.acks++;
    if (slot.pendingAcks > 0) slot.pendingAcks--;
  }

  /** Counts a drop the run did not ask for; false when the close was expected. */
  #onServerClose(slot: Slot, link: Link): boolean {
    if (this.#stopping || slot.link !== link) return false;
    this.tally.droppedByServer[slot.transport]++;
    this.#vacate(slot);
    return true;
  }

  #vacate(slot: Slot): void {
    this.tally.acksLostToChurn += slot.pendingAcks;
    slot.pendingAcks = 0;
    slot.link = undefined;
  }

  #randomConnected(): number | undefined {
    for (let attempt = 0; attempt < 16; attempt++) {
      const index = Math.floor(Math.random() * this.#slots.length);
      if (this.#slots[index].link) return index;
    }
    return undefined;
  }

  #sourceAddress(): string | undefined {
    const sources = this.#options.sourceAddresses;
    return sources.length === 0 ? undefined : sources[Math.floor(Math.random() * sources.length)];
  }
}
