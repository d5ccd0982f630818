/**
 * WebSocket transport over `ws`: one Engine.IO packet per frame, text packets as text frames,
 * binary messages as binary frames without a type prefix.
 *
 * Without permessage-deflate, a flush writes pre-built frames (see `frame.ts`) straight to the
 * socket: one frame as it is, several joined into one buffer and one write. A broadcast frame is
 * built once for every recipient, and so is the join of a broadcast batch: the sessions of a
 * fan-out queue the very same frames, so they share it (a plain write costs less in Node's
 * stream than a corked batch, and the join is done once rather than per session). This is safe beside ws's own sender (pings, pongs, close
 * frames): without compression ws writes every frame synchronously and whole, so frames never
 * interleave, and nothing is written once ws has begun closing. With permessage-deflate
 * negotiated, frames must go through ws's compressor, so packets are sent with `ws.send()`.
 */
import type { Duplex } from 'node:stream';
import { decodeEnginePacket, type EnginePacket, ProtocolError } from '@parley/protocol';
import { WebSocket } from 'ws';
import { useFastListenerTable } from '../../events/listener-table.js';
import { PayloadTooLargeError, TransportError } from '../errors.js';
import type { OutboundPacket } from '../packet.js';
import { Transport, type TransportFailure, type TransportOwner } from './transport.js';

/** The transport of a `ws` WebSocket or of its TCP socket, for the shared listeners below. */
const TRANSPORT = Symbol('parley.webSocketTransport');
type Tagged<T> = T & { [TRANSPORT]: WebSocketTransport };

function transportOf(emitter: WebSocket | Duplex): WebSocketTransport {
  return (emitter as Tagged<WebSocket | Duplex>)[TRANSPORT];
}

/** The frames most recently joined, and the result (see {@link joinFrames}). */
let joinedFrames: Buffer[] = [];
let joined: Buffer | undefined;
/** Larger joins are not kept: the cache must not hold on to big messages. */
const MAX_KEPT_JOIN = 64 * 1024;

/**
 * The frames of `packets` as one buffer. The sessions of a broadcast flush the same frames one
 * after another, so the last join is reused when the frames are the very same buffers.
 */
function joinFrames(packets: readonly OutboundPacket[]): Buffer {
  const count = packets.length;
  if (joined !== undefined && joinedFrames.length === count) {
    let same = true;
    for (let i = 0; i < count; i++) {
      if (joinedFrames[i] !== packets[i].webSocketFrame()) {
        same = false;
        break;
      }
    }
    if (same) return joined;
  }
  const frames = new Array<Buffer>(count);
  let length = 0;
  for (let i = 0; i < count; i++) {
    frames[i] = packets[i].webSocketFrame();
    length += frames[i].length;
  }
  const result = Buffer.concat(frames, length);
  if (length <= MAX_KEPT_JOIN) {
    joinedFrames = frames;
    joined = result;
  } else {
    joinedFrames = [];
    joined = undefined;
  }
  return result;
}

export class WebSocketTransport extends Transport {
  readonly name = 'websocket';
  readonly #ws: WebSocket;
  readonly #socket: Duplex;
  readonly #directWrites: boolean;
  readonly #maxPayload: number;

  // Listeners shared by every transport (each finds its transport through the emitter), rather
  // than four closures per connection kept for its whole life.
  static readonly #onWsMessage = function (this: WebSocket, data: Buffer, isBinary: boolean): void {
    transportOf(this).#onMessage(data, isBinary);
  };
  static readonly #onWsError = function (this: WebSocket, error: Error): void {
    transportOf(this).#onError(error);
  };
  static readonly #onWsClose = function (this: WebSocket): void {
    transportOf(this).#onClose();
  };
  static readonly #onSocketDrain = function (this: Duplex): void {
    transportOf(this).owner.onTransportWritable();
  };

  constructor(owner: TransportOwner, ws: WebSocket, socket: Duplex, maxPayload: number) {
    super(owner);
    this.#ws = ws;
    this.#socket = socket;
    this.#maxPayload = maxPayload;
    this.#directWrites = ws.extensions === '';
    ws.binaryType = 'nodebuffer';
    (ws as Tagged<WebSocket>)[TRANSPORT] = this;
    (socket as Tagged<Duplex>)[TRANSPORT] = this;
    useFastListenerTable(ws);
    ws.on('message', WebSocketTransport.#onWsMessage);
    ws.on('error', WebSocketTransport.#onWsError);
    ws.on('close', WebSocketTransport.#onWsClose);
    socket.on('drain', WebSocketTransport.#onSocketDrain);
  }

  get writable(): boolean {
    return this.state === 'open' && this.#ws.readyState === WebSocket.OPEN && !this.#socket.writableNeedDrain;
  }

  send(packets: readonly OutboundPacket[], compress: boolean, onWritten?: () => void): number {
    const ws = this.#ws;
    if (ws.readyState !== WebSocket.OPEN || packets.length === 0) return packets.length;
    const last = packets.length - 1;
    if (this.#directWrites) {
      const socket = this.#socket;
      // One packet (an ack, a broadcast to an idle client) is one plain write: corking would
      // only route it through the stream's buffer.
      if (last === 0) {
        socket.write(packets[0].webSocketFrame(), onWritten);
        return 1;
      }
      socket.write(joinFrames(packets), onWritten);
      return packets.length;
    }
    for (let i = 0; i <= last; i++) {
      const packet = packets[i];
      ws.send(packet.webSocketPayload(), { binary: packet.binary, compress }, i === last ? onWritten : undefined);
    }
    return packets.length;
  }

  /** What the TCP socket holds, plus (with permessage-deflate) ws's queue of frames to compress. */
  override get bufferedBytes(): number {
    return this.#directWrites ? this.#socket.writableLength : this.#ws.bufferedAmount;
  }

  close(done?: () => void): void {
    if (this.state === 'open') {
      this.state = 'closing';
      this.#ws.close();
    }
    done?.();
  }

  discard(): void {
    this.state = 'closed';
    this.#ws.terminate();
  }

  shutdown(): void {
    this.state = 'closed';
    // A close frame when the connection still works; ws destroys the socket if the peer never
    // answers it. After a failure ws is already closing the connection itself.
    if (this.#ws.readyState === WebSocket.OPEN) this.#ws.close();
  }

  /** Decodes one frame; throws a ProtocolError for a frame that is not a packet. */
  protected decodeFrame(data: Buffer, isBinary: boolean): EnginePacket {
    return isBinary ? { type: 'message', data } : decodeEnginePacket(data.toString('utf8'));
  }

  #onMessage(data: Buffer, isBinary: boolean): void {
    if (this.state !== 'open') return;
    let packet: EnginePacket;
    try {
      packet = this.decodeFrame(data, isBinary);
    } catch (error) {
      // The session closes the connection with a close frame without a code, as engine.io does.
      this.#fail(
        'parse error',
        error instanceof ProtocolError ? error : new TransportError('PARSE_ERROR', String(error)),
      );
      return;
    }
    this.owner.onTransportPacket(packet);
  }

  #onError(error: Error & { code?: string }): void {
    if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
      // ws closes with 1009; engine.io reports it as a "transport error".
      this.#fail('transport error', new PayloadTooLargeError(this.#maxPayload));
    } else {
      this.#fail('transport error', new TransportError('TRANSPORT_ERROR', error.message, { cause: error }));
    }
  }

  // A peer leaving is the normal end of a session, not an error: no Error object (and no stack
  // trace captured) per closed connection, as with engine.io's "transport close".
  #onClose(): void {
    this.#fail('transport close');
  }

  #fail(reason: TransportFailure, error?: Error): void {
    const wasOpen = this.state === 'open';
    this.state = 'closed';
    if (wasOpen) this.owner.onTransportFailure(reason, error);
  }
}
