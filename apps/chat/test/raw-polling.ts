/**
 * A bare Engine.IO long-polling client over fetch, for tests that need what the official client
 * never sends: hundreds of requests in one HTTP POST, or requests with a chosen Origin.
 */
const SEPARATOR = '\x1e';

export interface RawPollingOptions {
  headers?: Record<string, string>;
  path?: string;
}

export class RawPollingClient {
  readonly sid: string;
  /** Bytes of every response body received (the handshake excluded). */
  receivedBytes = 0;
  readonly #endpoint: string;
  readonly #headers: Record<string, string>;

  private constructor(endpoint: string, sid: string, headers: Record<string, string>) {
    this.#endpoint = endpoint;
    this.sid = sid;
    this.#headers = headers;
  }

  /** Opens an Engine.IO session (the handshake GET) and resolves with a client bound to it. */
  static async open(baseUrl: string, options: RawPollingOptions = {}): Promise<RawPollingClient> {
    const headers = options.headers ?? {};
    const endpoint = `${baseUrl}${options.path ?? '/socket.io/'}?EIO=4&transport=polling`;
    const response = await fetch(endpoint, { headers, signal: AbortSignal.timeout(10_000) });
    const body = await response.text();
    if (response.status !== 200 || !body.startsWith('0'))
      throw new Error(`handshake failed: ${response.status} ${body}`);
    const { sid } = JSON.parse(body.slice(1)) as { sid: string };
    return new RawPollingClient(endpoint, sid, headers);
  }

  /** The Socket.IO CONNECT of the main namespace with `auth`; resolves once the server accepted it. */
  async connect(auth: object): Promise<void> {
    await this.post([`40${JSON.stringify(auth)}`]);
    const packets = await this.poll();
    if (!packets.some((packet) => packet.startsWith('40{'))) throw new Error(`not connected: ${packets.join(' ')}`);
  }

  /** Sends Engine.IO packets (e.g. `42["event"]`) in one POST; resolves with the status. */
  async post(packets: string[], headers: Record<string, string> = {}): Promise<number> {
    const response = await fetch(`${this.#endpoint}&sid=${this.sid}`, {
      method: 'POST',
      headers: { ...this.#headers, ...headers, 'Content-Type': 'text/plain;charset=UTF-8' },
      body: packets.join(SEPARATOR),
      signal: AbortSignal.timeout(10_000),
    });
    await response.text();
    return response.status;
  }

  /** One GET: the packets the server had queued (it parks the request until there is one). */
  async poll(headers: Record<string, string> = {}): Promise<string[]> {
    const response = await fetch(`${this.#endpoint}&sid=${this.sid}`, {
      headers: { ...this.#headers, ...headers },
      signal: AbortSignal.timeout(15_000),
    });
    const body = await response.text();
    if (response.status !== 200) throw new Error(`poll failed: ${response.status} ${body}`);
    this.receivedBytes += Buffer.byteLength(body);
    return body.split(SEPARATOR);
  }

  /**
   * Polls until the acks of every id in `ids` arrived (bounded); returns each ack's first argument.
   * Pings are answered on the way, so the session stays up however long the drain takes.
   */
  async acks(ids: Iterable<number>, ms = 30_000): Promise<Map<number, unknown>> {
    const waiting = new Set(ids);
    const answers = new Map<number, unknown>();
    const deadline = Date.now() + ms;
    while (waiting.size > 0) {
      if (Date.now() > deadline) throw new Error(`${waiting.size} acks still missing`);
      const packets = await this.poll();
      if (packets.includes('2')) await this.post(['3']);
      for (const packet of packets) {
        const ack = /^43(\d+)(\[.*)$/s.exec(packet);
        if (!ack) continue;
        const id = Number(ack[1]);
        answers.set(id, (JSON.parse(ack[2]) as unknown[])[0]);
        waiting.delete(id);
      }
    }
    return answers;
  }
}
