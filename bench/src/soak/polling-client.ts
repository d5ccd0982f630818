/**
 * A Socket.IO client on HTTP long-polling only, over the bench's keep-alive HTTP client: one
 * lane holds the GET that waits for packets, the other carries POSTs one at a time (packets
 * sent meanwhile leave together in the next body), as a browser would. Pings are answered
 * here; every other packet goes to `onPacket` as text.
 */

import { BenchError } from '../errors.js';
import { RawHttpConnection } from '../loadgen/raw-http.js';
import { pollingPath, RECORD_SEPARATOR } from '../loadgen/wire.js';

export class PollingClientError extends BenchError<'POLLING_HANDSHAKE' | 'POLLING_TIMEOUT'> {}

/** `closing`: the close packet is on its way; nothing more is read or sent after it. */
type PollingState = 'opening' | 'open' | 'closing' | 'closed';

export interface PollingClientOptions {
  host: string;
  port: number;
  localAddress: string | undefined;
  timeoutMs: number;
  onPacket: (client: PollingSocketIoClient, packet: string) => void;
  /** The server ended the session, or a request failed, after the handshake. */
  onClose: (client: PollingSocketIoClient, reason: string) => void;
}

/**
 * Node's HTTP server closes a keep-alive connection idle for 5 s (`keepAliveTimeout`); a POST
 * written just as that happens fails with ECONNRESET. Browsers avoid reusing a connection that
 * near its end, and so does this client: a POST lane idle longer than this starts afresh.
 */
const POST_LANE_IDLE_MS = 4_000;

export class PollingSocketIoClient {
  #pollLane: RawHttpConnection;
  #postLane: RawHttpConnection;
  #lastPostAt = 0;
  #options: PollingClientOptions;
  #path = '';
  #state: PollingState = 'opening';
  #posting = false;
  #outbox: string[] = [];
  #onConnected: (() => void) | undefined;

  private constructor(options: PollingClientOptions) {
    this.#options = options;
    this.#pollLane = new RawHttpConnection(options.host, options.port, options.localAddress);
    this.#postLane = new RawHttpConnection(options.host, options.port, options.localAddress);
  }

  /** Engine.IO handshake, then Socket.IO CONNECT; resolves once `40{…}` has arrived. */
  static async connect(options: PollingClientOptions): Promise<PollingSocketIoClient> {
    const client = new PollingSocketIoClient(options);
    try {
      await client.#open();
      return client;
    } catch (error) {
      client.#destroy();
      throw error;
    }
  }

  get open(): boolean {
    return this.#state === 'open';
  }

  sendText(packet: string): void {
    if (this.#state === 'closed' || this.#state === 'closing') return;
    this.#outbox.push(packet);
    if (!this.#posting) this.#flushOutbox();
  }

  /**
   * `clean`: an Engine.IO close packet first (after the POST in flight, if any), as a client's
   * `disconnect()` does; otherwise the connections just drop and the server finds out through
   * its heartbeat.
   */
  close(clean: boolean): void {
    if (this.#state === 'closed' || this.#state === 'closing') return;
    if (!clean || this.#path === '') {
      this.#destroy();
      return;
    }
    this.#state = 'closing';
    this.#outbox.push('1');
    if (!this.#posting) this.#flushOutbox();
  }

  async #open(): Promise<void> {
    const handshake = await this.#pollLane.request('GET', pollingPath());
    if (!handshake.startsWith('0{')) {
      throw new PollingClientError('POLLING_HANDSHAKE', `unexpected handshake: ${handshake.slice(0, 80)}`);
    }
    const { sid } = JSON.parse(handshake.slice(1)) as { sid: string };
    this.#path = pollingPath(sid);
    const connected = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new PollingClientError('POLLING_TIMEOUT', `no CONNECT reply within ${this.#options.timeoutMs} ms`));
      }, this.#options.timeoutMs);
      this.#onConnected = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.sendText('40');
    this.#poll();
    await connected;
  }

  #poll(): void {
    this.#pollLane.request('GET', this.#path).then(
      (body) => {
        for (const packet of body.split(RECORD_SEPARATOR)) {
          if (!this.#reading) return;
          this.#onPacket(packet);
        }
        if (this.#reading) this.#poll();
      },
      (error: Error) => this.#lost(`poll: ${error.message}`),
    );
  }

  #onPacket(packet: string): void {
    if (packet === '2') {
      this.sendText('3');
    } else if (packet === '1') {
      this.#lost('close packet');
    } else if (this.#state === 'opening') {
      if (packet.startsWith('40')) {
        this.#state = 'open';
        this.#onConnected?.();
      }
    } else if (packet !== '6') {
      this.#options.onPacket(this, packet);
    }
  }

  get #reading(): boolean {
    return this.#state === 'opening' || this.#state === 'open';
  }

  #flushOutbox(): void {
    if (this.#outbox.length === 0 || this.#state === 'closed') return;
    const body = this.#outbox.join(RECORD_SEPARATOR);
    const closing = this.#state === 'closing';
    this.#outbox = [];
    this.#posting = true;
    const now = performance.now();
    if (now - this.#lastPostAt > POST_LANE_IDLE_MS) {
      this.#postLane.destroy();
      this.#postLane = new RawHttpConnection(this.#options.host, this.#options.port, this.#options.localAddress);
    }
    this.#lastPostAt = now;
    this.#postLane.request('POST', this.#path, body).then(
      () => {
        this.#posting = false;
        if (closing) this.#destroy();
        else this.#flushOutbox();
      },
      (error: Error) => this.#lost(`post: ${error.message}`),
    );
  }

  /** A request failed or the server closed the session while this side still wanted it. */
  #lost(reason: string): void {
    if (this.#state === 'closed') return;
    const wasOpen = this.#state === 'open';
    this.#destroy();
    if (wasOpen) this.#options.onClose(this, reason);
  }

  #destroy(): void {
    this.#state = 'closed';
    this.#pollLane.destroy();
    this.#postLane.destroy();
  }
}
