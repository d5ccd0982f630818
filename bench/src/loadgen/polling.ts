/**
 * Polling echo: N clients on HTTP long-polling only (no upgrade), each with one acknowledged
 * `echo` in flight. A client keeps one GET waiting for packets and sends its packets by POST,
 * one POST at a time as Engine.IO requires (later packets wait and leave joined in one body).
 */

import { BenchError } from '../errors.js';
import type { LoadResult } from '../types.js';
import { portOf, type RunContext, sourceAddress } from './context.js';
import { ECHO_PAYLOAD, EchoTally, measureEcho } from './echo.js';
import { RawHttpConnection } from './raw-http.js';
import { pollingPath, RECORD_SEPARATOR } from './wire.js';

export class PollingHandshakeError extends BenchError<'POLLING_HANDSHAKE'> {
  constructor(message: string) {
    super('POLLING_HANDSHAKE', message);
  }
}

type PollingState = 'opening' | 'open' | 'closed';

class PollingEchoClient {
  /** The held GET and the POSTs each get their own keep-alive connection, as in a browser. */
  #pollLane: RawHttpConnection;
  #postLane: RawHttpConnection;
  #tally: EchoTally;
  #path = '';
  #state: PollingState = 'opening';
  #posting = false;
  #outbox: string[] = [];
  #nextAckId = 0;
  #sentAt = 0;
  #onConnected: (() => void) | undefined;

  constructor(host: string, port: number, localAddress: string | undefined, tally: EchoTally) {
    this.#pollLane = new RawHttpConnection(host, port, localAddress);
    this.#postLane = new RawHttpConnection(host, port, localAddress);
    this.#tally = tally;
  }

  /** Engine.IO handshake, then Socket.IO CONNECT; resolves once `40{…}` has arrived. */
  async open(timeoutMs: number): Promise<void> {
    const handshake = await this.#pollLane.request('GET', pollingPath());
    if (!handshake.startsWith('0{')) throw new PollingHandshakeError(`unexpected handshake: ${handshake.slice(0, 80)}`);
    const { sid } = JSON.parse(handshake.slice(1)) as { sid: string };
    this.#path = pollingPath(sid);
    const connected = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new PollingHandshakeError('no CONNECT reply')), timeoutMs);
      this.#onConnected = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.#send('40');
    this.#poll();
    await connected;
  }

  sendEcho(): void {
    this.#tally.inFlight++;
    this.#sentAt = performance.now();
    this.#send(`42${this.#nextAckId++}["echo",${ECHO_PAYLOAD}]`);
  }

  close(): void {
    this.#state = 'closed';
    this.#pollLane.destroy();
    this.#postLane.destroy();
  }

  #poll(): void {
    this.#pollLane.request('GET', this.#path).then(
      (body) => {
        if (this.#state === 'closed') return;
        for (const packet of body.split(RECORD_SEPARATOR)) this.#onPacket(packet);
        // A packet may have closed the client (TypeScript cannot see that through the call).
        if ((this.#state as PollingState) !== 'closed') this.#poll();
      },
      () => this.#drop(),
    );
  }

  /** The server refused or cut a request while the run still needed this client. */
  #drop(): void {
    if (this.#state === 'closed') return;
    this.#tally.dropped++;
    this.close();
  }

  #onPacket(packet: string): void {
    if (packet.startsWith('43')) {
      const tally = this.#tally;
      tally.acks++;
      tally.inFlight--;
      tally.latency.record(performance.now() - this.#sentAt);
      if (tally.running) this.sendEcho();
    } else if (packet === '2') {
      this.#send('3');
    } else if (packet.startsWith('40') && this.#state === 'opening') {
      this.#state = 'open';
      this.#onConnected?.();
    } else if (packet === '1') {
      this.close();
    }
  }

  #send(packet: string): void {
    this.#outbox.push(packet);
    if (!this.#posting) this.#flushOutbox();
  }

  #flushOutbox(): void {
    if (this.#outbox.length === 0 || this.#state === 'closed') return;
    const body = this.#outbox.join(RECORD_SEPARATOR);
    this.#outbox = [];
    this.#posting = true;
    this.#postLane.request('POST', this.#path, body).then(
      () => {
        this.#posting = false;
        this.#flushOutbox();
      },
      () => this.#drop(),
    );
  }
}

export async function runPollingEcho(context: RunContext): Promise<LoadResult> {
  const { spec, target, options, held } = context;
  const tally = new EchoTally();
  const clients: PollingEchoClient[] = [];
  held.add({
    close: async () => {
      for (const client of clients) client.close();
    },
  });
  let next = 0;
  const worker = async () => {
    while (next < spec.clients) {
      const index = next++;
      const client = new PollingEchoClient(target.host, portOf(target, index), sourceAddress(options, index), tally);
      clients.push(client);
      try {
        await client.open(options.connectTimeoutMs);
      } catch (error) {
        next = spec.clients; // the batch has failed: the other workers stop opening sessions
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.connectConcurrency, spec.clients) }, worker));
  for (const client of clients) client.sendEcho();
  return measureEcho(context, tally);
}
