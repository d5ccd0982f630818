/** WebSocket transport: one Engine.IO packet per frame, binary messages as binary frames. */
import { decodeEnginePacket, encodeEnginePacket } from '@parley/protocol';
import { createWebSocket, isNode, unrefWebSocket, userBinary } from '../platform.js';
import { type IncomingPacket, type OutgoingPacket, Transport } from './transport.js';

export class WebSocketTransport extends Transport {
  readonly name = 'websocket';
  #ws: WebSocket | undefined;

  open(): void {
    let ws: WebSocket;
    try {
      ws = createWebSocket(this.url('ws', this.opts.timestampRequests), this.opts);
    } catch (error) {
      // Reported asynchronously, like every other transport failure.
      queueMicrotask(() => this.onError('websocket error', error));
      return;
    }
    if (!isNode) ws.binaryType = 'arraybuffer';
    ws.onopen = () => {
      if (isNode && this.opts.autoUnref) unrefWebSocket(ws);
      this.onOpen();
    };
    ws.onclose = (event) => this.onClose({ description: 'websocket connection closed', context: event });
    ws.onerror = (event) => this.onError('websocket error', event);
    ws.onmessage = (event) => this.#onFrame(event.data);
    this.#ws = ws;
  }

  #onFrame(frame: string | ArrayBuffer | Uint8Array): void {
    let packet: IncomingPacket;
    try {
      packet = typeof frame === 'string' ? decodeEnginePacket(frame) : { type: 'message', data: userBinary(frame) };
    } catch (error) {
      this.onParseError(error);
      return;
    }
    this.emit('packet', packet);
  }

  send(packets: OutgoingPacket[]): void {
    this.writable = false;
    const ws = this.#ws!;
    for (const packet of packets) {
      const frame = encodeEnginePacket(packet);
      try {
        // `ws` takes per-message options; the browser WebSocket ignores a second argument.
        (ws.send as (data: unknown, options?: unknown) => void)(frame, { compress: packet.options?.compress });
      } catch {
        // The socket is closing; its close event reports the loss.
      }
    }
    // Frames are queued by the socket itself: the batch counts as drained once this turn ends.
    queueMicrotask(() => {
      if (this.state === 'closed') return;
      this.writable = true;
      this.emit('drain');
    });
  }

  close(): void {
    this.state = 'closed';
    this.#ws?.close();
  }
}
