/**
 * Server-Sent Events downstream, POST upstream as with polling. Offered by Parley servers only:
 * the handshake is `GET <path>/?EIO=4&transport=sse`, whose response is the event stream; each
 * event's data is an Engine.IO payload (records joined by `\x1e`, binary as `b` + base64), or,
 * for an `event: json`, that payload as a JSON string (used when it contains line breaks). The
 * stream belongs to its session: after an error the client starts over with a new handshake.
 */
import { HttpTransport } from './polling.js';

export class Sse extends HttpTransport {
  readonly name = 'sse';

  open(): void {
    this.#stream();
  }

  // `reading` stays false: a pause (before an upgrade) need not wait for the stream, which is
  // read, and its packets delivered, until the server ends it after the switch.
  async #stream(): Promise<void> {
    const response = await this.request('GET');
    if (!response?.body) return;
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let data: string[] = [];
    let json = false;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += value;
        for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
          const line = buffer.slice(0, end).replace(/\r$/, '');
          buffer = buffer.slice(end + 1);
          if (line.startsWith('data:')) data.push(line.slice(line[5] === ' ' ? 6 : 5));
          else if (line === 'event: json') json = true;
          else if (line === '' && data.length) {
            const payload = json ? JSON.parse(data.join('\n')) : data.join('\n');
            data = [];
            json = false;
            if (!this.deliver(payload)) return void reader.cancel().catch(() => {});
          }
        }
      }
    } catch (error) {
      if (this.state !== 'paused' && this.state !== 'closed') this.onError('sse error', error);
      return;
    }
    if (this.state !== 'paused') this.onClose({ description: 'sse stream ended' });
  }
}
