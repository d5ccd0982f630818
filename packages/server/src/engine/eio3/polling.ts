/**
 * Long-polling for Engine.IO v3 clients (socket.io-client 2.x, `allowEIO3`). Sessions, queues
 * and requests work as in v4; only the bodies differ: length-prefixed text records, or a binary
 * body when the client accepts binary (no `b64` in its handshake query) and a packet is binary.
 * Binary POST bodies come as `application/octet-stream`.
 */
import type { IncomingMessage } from 'node:http';
import {
  decodeV3Payload,
  type EnginePacket,
  encodeV3BinaryPayload,
  encodeV3PacketAsText,
  encodeV3TextPayload,
  toPlatformBytes,
} from '@parley/protocol';
import type { OutboundPacket } from '../packet.js';
import type { HttpTransportContext } from '../transports/http-transport.js';
import { type PollBody, PollingTransport } from '../transports/polling.js';
import type { TransportOwner } from '../transports/transport.js';

export class PollingTransportV3 extends PollingTransport {
  override get protocol(): 3 {
    return 3;
  }

  /** False when the handshake asked for base64 (`b64=1`): binary then travels as `b4...` text. */
  readonly #supportsBinary: boolean;

  constructor(owner: TransportOwner, context: HttpTransportContext, supportsBinary: boolean) {
    super(owner, context);
    this.#supportsBinary = supportsBinary;
  }

  protected override encodeBody(packets: readonly OutboundPacket[]): PollBody {
    // v3 bodies are not split: legacy clients get the whole queue in one response.
    return { body: this.#encode(packets), end: packets.length };
  }

  #encode(packets: readonly OutboundPacket[]): string | Buffer {
    let binary = false;
    for (const packet of packets) binary ||= packet.binary;
    if (binary && this.#supportsBinary) return toPlatformBytes(encodeV3BinaryPayload(packets)) as Buffer;
    const records = new Array<string>(packets.length);
    for (let i = 0; i < packets.length; i++) {
      const packet = packets[i];
      // A text packet's v4 record is also its v3 record (and is cached for broadcasts).
      records[i] = packet.binary ? encodeV3PacketAsText(packet) : packet.textRecord();
    }
    return encodeV3TextPayload(records);
  }

  protected override readsBinaryBody(req: IncomingMessage): boolean {
    return req.headers['content-type'] === 'application/octet-stream';
  }

  protected override deliverBody(body: string | Buffer): void {
    let packets: EnginePacket[];
    try {
      packets = decodeV3Payload(body);
    } catch (cause) {
      this.failParse(cause);
      return;
    }
    for (const packet of packets) {
      if (this.state === 'closed') return;
      this.owner.onTransportPacket(packet);
    }
  }
}
