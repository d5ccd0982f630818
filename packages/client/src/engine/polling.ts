/**
 * The HTTP transports: upstream is always a POST of a record-separated payload; downstream is a
 * long-polling GET loop (Polling) or one streaming GET (Sse, in sse.ts). At most one POST is in
 * flight, so `writable` is false until it is answered.
 */
import { decodeEnginePacket, encodePayload } from '@parley/protocol';
import { isNode, nodeFetch, userBinary } from '../platform.js';
import { type IncomingPacket, type OutgoingPacket, Transport } from './transport.js';

export abstract class HttpTransport extends Transport {
  /** True while a downstream request is open; a pause waits for it to end. */
  protected reading = false;
  #onPause: (() => void) | undefined;
  #reader: AbortController | undefined;

  send(packets: OutgoingPacket[]): void {
    this.writable = false;
    this.request('POST', encodePayload(packets)).then((response) => {
      if (!response) return;
      this.writable = true;
      this.emit('drain');
      this.checkPause();
    });
  }

  close(): void {
    // A paused transport has been replaced by an upgrade: its sid is no longer ours to close.
    // After a close packet the server answers the pending GET itself; aborting it would race the
    // close packet, and the server would report "transport error" instead of "transport close".
    if (this.state === 'open' || this.state === 'pausing') this.send([{ type: 'close' }]);
    else this.#reader?.abort();
    this.state = 'closed';
  }

  override pause(onPause: () => void): void {
    this.state = 'pausing';
    this.#onPause = onPause;
    this.checkPause();
  }

  protected checkPause(): void {
    if (this.state !== 'pausing' || this.reading || !this.writable) return;
    this.state = 'paused';
    this.#onPause?.();
  }

  /** Sends one request; resolves to the response, or undefined after reporting an error. */
  protected async request(method: 'GET' | 'POST', body?: string): Promise<Response | undefined> {
    // socket.io-client's words: reads fail with 'xhr poll error', writes (with a body) 'xhr post error'
    const reason = `xhr ${body ? 'post' : 'poll'} error`;
    const headers: Record<string, string> = { ...this.opts.extraHeaders };
    if (body !== undefined) headers['content-type'] = 'text/plain;charset=UTF-8';
    let signal: AbortSignal | undefined;
    if (method === 'GET') {
      this.#reader = new AbortController();
      signal = this.#reader.signal;
    }
    try {
      // Node: nodeFetch adds the session's cookies (`withCredentials`), TLS options and autoUnref
      const send: typeof fetch = isNode ? (url, init) => nodeFetch(url as string, init!, this.opts) : fetch;
      const response = await send(this.url('http', this.opts.timestampRequests !== false), {
        method,
        body,
        headers,
        signal,
        // as XMLHttpRequest does: same-origin cookies always, cross-origin ones with withCredentials
        credentials: this.opts.withCredentials ? 'include' : 'same-origin',
      });
      if (response.ok) return response;
      this.onError(reason, response.status, response);
    } catch (error) {
      // No response at all: status 0, as XMLHttpRequest reports a network failure
      this.onError(reason, 0, error);
    }
    return undefined;
  }

  /**
   * Hands a downstream payload's packets to the session. Returns false once the transport
   * has closed (a close packet, or a listener that closed it).
   */
  protected deliver(payload: string): boolean {
    // Packet by packet, as engine.io-client: those before a packet that will not decode are
    // handed over, then the parse error.
    for (const record of payload.split('\x1e')) {
      let packet: IncomingPacket;
      try {
        packet = decodeEnginePacket(record);
      } catch (error) {
        this.onParseError(error);
        return false;
      }
      if (this.state === 'opening' && packet.type === 'open') this.onOpen();
      if (this.state === 'paused' && packet.type === 'noop') continue;
      if (packet.type === 'close') {
        this.onClose({ description: 'transport closed by the server' });
        return false;
      }
      if (packet.data !== undefined && typeof packet.data !== 'string') packet.data = userBinary(packet.data);
      this.emit('packet', packet);
      if (this.state === 'closed') return false;
    }
    return true;
  }
}

/** HTTP long-polling: a GET that the server holds until it has packets, then the next GET. */
export class Polling extends HttpTransport {
  readonly name = 'polling';

  open(): void {
    this.#poll();
  }

  async #poll(): Promise<void> {
    this.reading = true;
    const response = await this.request('GET');
    const body = response && (await response.text().catch(() => undefined));
    if (body === undefined || !this.deliver(body)) return;
    this.reading = false;
    if (this.state === 'open') this.#poll();
    else this.checkPause();
  }
}
