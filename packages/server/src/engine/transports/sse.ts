/**
 * Server-Sent Events transport: an extension of Engine.IO for networks that block WebSocket
 * but let a long-lived HTTP response through. Official clients never see it.
 *
 * How a client asks for it: the handshake is `GET <path>/?EIO=4&transport=sse` (the server must
 * list `sse` in its `transports` option, which it does by default). The response is the stream
 * itself (`Content-Type: text/event-stream`); its first event carries the open packet, whose
 * `sid` the client then uses to send.
 *
 * Downstream, each event carries one flush of the session: packets encoded as for polling
 * (text records joined by `\x1e`, binary as `b` + base64). An event whose payload contains no
 * line break is sent as one `data:` line. A payload that contains `\r` or `\n` (which SSE would
 * split or normalize) is sent as `event: json` with `data:` holding the payload as a JSON string,
 * so it arrives byte for byte: `JSON.parse(event.data)`.
 *
 * Upstream, the client POSTs payloads to `<path>/?EIO=4&transport=sse&sid=<sid>`, exactly like
 * polling POSTs (answered `ok`). The stream is bound to its session: a GET with a `sid` is
 * refused (code 3), so a client must not let EventSource reconnect on its own; after an error
 * it starts a new handshake. Pings arrive as `2` packets in the stream and are answered by POST.
 * An SSE session may upgrade to WebSocket with the usual probe (its `upgrades` lists `websocket`).
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { TransportError } from '../errors.js';
import { respondError } from '../http/respond.js';
import { CLOSE, type OutboundPacket } from '../packet.js';
import { HttpTransport } from './http-transport.js';
import { joinTextRecords } from './text-payload.js';

/** Encodes one flush as one SSE event. */
export function encodeSseEvent(payload: string): string {
  if (payload.indexOf('\n') === -1 && payload.indexOf('\r') === -1) return `data: ${payload}\n\n`;
  return `event: json\ndata: ${JSON.stringify(payload)}\n\n`;
}

export class SseTransport extends HttpTransport {
  readonly name = 'sse';
  #stream: ServerResponse | null = null;

  get writable(): boolean {
    return this.#stream !== null && this.state === 'open' && !this.#stream.writableNeedDrain;
  }

  /** Opens the event stream on the handshake request. */
  onHandshake(req: IncomingMessage, res: ServerResponse): void {
    const headers: OutgoingHttpHeaders = {
      'Content-Type': 'text/event-stream; charset=UTF-8',
      'Cache-Control': 'no-cache, no-transform',
      // Reverse proxies (nginx) would otherwise buffer the stream.
      'X-Accel-Buffering': 'no',
    };
    this.context.decorateHeaders(headers, req, true);
    res.writeHead(200, headers);
    res.flushHeaders();
    req.socket.setNoDelay(true);
    this.#stream = res;
    res.on('drain', () => this.owner.onTransportWritable());
    res.once('close', () => {
      this.#stream = null;
      if (this.state === 'open') {
        this.state = 'closed';
        this.owner.onTransportFailure('transport close', new TransportError('POLL_ABORTED', 'event stream closed'));
      }
    });
  }

  onRequest(req: IncomingMessage, res: ServerResponse): void {
    if (req.method === 'POST') this.onPost(req, res);
    else respondError(res, 400, 3, 'Bad request');
  }

  send(packets: readonly OutboundPacket[], _compress: boolean, onWritten?: () => void): number {
    const stream = this.#stream;
    if (stream === null || packets.length === 0) return 0;
    // A large flush becomes several events of bounded size (see `text-payload.ts`).
    let start = 0;
    while (start < packets.length) {
      const { payload, end } = joinTextRecords(packets, start);
      start = end;
      stream.write(encodeSseEvent(payload), start === packets.length ? onWritten : undefined);
    }
    return packets.length;
  }

  override get bufferedBytes(): number {
    return this.#stream?.writableLength ?? 0;
  }

  /** Ends the stream without writing what it still holds for a peer that stopped reading. */
  override destroy(): void {
    const stream = this.#stream;
    this.#stream = null;
    this.state = 'closed';
    stream?.destroy();
  }

  close(done?: () => void): void {
    if (this.state === 'open' && this.#stream !== null) this.send([CLOSE], false);
    this.#end();
    done?.();
  }

  discard(): void {
    this.#end();
  }

  shutdown(): void {
    this.abortPendingPost();
    if (this.state === 'closed') return;
    this.close();
  }

  #end(): void {
    this.state = 'closed';
    const stream = this.#stream;
    this.#stream = null;
    if (stream === null || stream.writableEnded) return;
    // The stream's headers went out long ago, promising keep-alive; a server shutting down
    // ends the connection itself once the last event is written.
    const connection = this.context.isClosing() ? stream.socket : null;
    stream.end();
    connection?.end();
  }
}
