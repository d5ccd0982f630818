/**
 * A Socket.IO client straight over TCP: HTTP upgrade request, `101`, the open packet `0{…}`, a
 * masked `40` frame, `40{sid}`; afterwards every server frame is handed to the workload as a
 * byte range of the received chunk, with no object per frame. The `ws` client spends most of
 * its time per connection in the HTTP client and per frame in its event machinery; for the
 * handshake and fan-out workloads that would make the load generator the bottleneck.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { BenchError } from '../errors.js';
import type { Closable } from './held.js';
import { CHAR_0, CHAR_2, CHAR_4 } from './wire.js';

export class RawClientError extends BenchError<'RAW_CLIENT_REFUSED' | 'RAW_CLIENT_TIMEOUT' | 'RAW_CLIENT_SOCKET'> {}

const HEADER_END = Buffer.from('\r\n\r\n');
const SWITCHING_PROTOCOLS = Buffer.from('HTTP/1.1 101');
const EMPTY = Buffer.alloc(0);
const OPCODE_CLOSE = 0x8;

export function upgradeRequest(host: string, port: number): Buffer {
  return Buffer.from(
    'GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n' +
      `Host: ${host}:${port}\r\n` +
      'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n' +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n\r\n`,
  );
}

/**
 * A client-to-server text frame. Clients must mask; an all-zero mask key is a valid key that
 * leaves the payload as is, so no per-frame XOR is needed.
 */
export function clientTextFrame(text: string): Buffer {
  const length = Buffer.byteLength(text);
  const headerLength = length < 126 ? 6 : length < 0x10000 ? 8 : 14;
  const frame = Buffer.alloc(headerLength + length); // zero-filled: the mask key stays 0
  frame[0] = 0x81;
  if (length < 126) {
    frame[1] = 0x80 | length;
  } else if (length < 0x10000) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  frame.write(text, headerLength, 'utf8');
  return frame;
}

/** Where the server frame starting at `offset` lies, or undefined while its bytes are incomplete. */
export function readServerFrame(
  buffer: Buffer,
  offset = 0,
): { opcode: number; start: number; end: number } | undefined {
  if (buffer.length < offset + 2) return undefined;
  let length = buffer[offset + 1] & 0x7f;
  let start = offset + 2;
  if (length === 126) {
    if (buffer.length < offset + 4) return undefined;
    length = buffer.readUInt16BE(offset + 2);
    start = offset + 4;
  } else if (length === 127) {
    if (buffer.length < offset + 10) return undefined;
    length = Number(buffer.readBigUInt64BE(offset + 2));
    start = offset + 10;
  }
  if (buffer.length < start + length) return undefined;
  return { opcode: buffer[offset] & 0x0f, start, end: start + length };
}

/** Receives each server frame's payload as `data[start..end)`; the bytes are only valid during the call. */
export type FrameHandler = (client: RawSocketIoClient, data: Buffer, start: number, end: number) => void;

export interface RawClientOptions {
  host: string;
  port: number;
  localAddress: string | undefined;
  timeoutMs: number;
  /** The same request bytes serve every connection of a run (servers accept any valid key). */
  request: Buffer;
  /** Frames after the handshake; undefined for a connection that is dropped once connected. */
  onFrame: FrameHandler | undefined;
  /** The server closed the connection after the handshake. */
  onClose?: (client: RawSocketIoClient) => void;
}

/**
 * One read buffer for every client (Node's `onread`): reads land in it without a Buffer, a
 * stream chunk and a `data` event each. A read is consumed before the next one starts, and
 * the incomplete frame at its end is copied out (see #onData).
 */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

const CONNECT_FRAME = clientTextFrame('40');
const PONG_FRAME = clientTextFrame('3');

export class RawSocketIoClient implements Closable {
  #socket: Socket;
  #options: RawClientOptions;
  #stage: 'upgrade' | 'open' | 'connect' | 'ready' | 'closed' = 'upgrade';
  #buffered: Buffer = EMPTY;
  #settle: (error?: RawClientError) => void;

  private constructor(options: RawClientOptions, settle: (client: RawSocketIoClient, error?: RawClientError) => void) {
    this.#options = options;
    this.#settle = (error) => settle(this, error);
    this.#socket = connect({
      host: options.host,
      port: options.port,
      localAddress: options.localAddress,
      noDelay: true,
      onread: {
        buffer: READ_BUFFER,
        callback: (bytes: number) => {
          this.#onData(READ_BUFFER.subarray(0, bytes));
          return true;
        },
      },
    });
    this.#socket.on('connect', () => this.#socket.write(options.request));
    this.#socket.on('error', (error: Error) => this.#fail(new RawClientError('RAW_CLIENT_SOCKET', error.message)));
    this.#socket.on('close', () => {
      const wasReady = this.#stage === 'ready';
      this.#fail(new RawClientError('RAW_CLIENT_SOCKET', 'closed during the handshake'));
      if (wasReady) options.onClose?.(this);
    });
  }

  /** Resolves once `40{…}` arrived. */
  static connect(options: RawClientOptions): Promise<RawSocketIoClient> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        client.#fail(new RawClientError('RAW_CLIENT_TIMEOUT', `no handshake within ${options.timeoutMs} ms`));
      }, options.timeoutMs);
      const client = new RawSocketIoClient(options, (connected, error) => {
        clearTimeout(timer);
        if (error) reject(error);
        else resolve(connected);
      });
    });
  }

  send(frame: Buffer): void {
    if (this.#stage === 'ready') this.#socket.write(frame);
  }

  sendText(text: string): void {
    this.send(clientTextFrame(text));
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#stage = 'closed';
      if (this.#socket.destroyed) return resolve();
      this.#socket.once('close', () => resolve());
      this.#socket.destroy();
    });
  }

  #fail(error: RawClientError): void {
    if (this.#stage === 'ready' || this.#stage === 'closed') return;
    this.#stage = 'closed';
    this.#socket.destroy();
    this.#settle(error);
  }

  #onData(chunk: Buffer): void {
    let data = this.#buffered.length === 0 ? chunk : Buffer.concat([this.#buffered, chunk]);
    if (this.#stage === 'upgrade') {
      const headerEnd = data.indexOf(HEADER_END);
      if (headerEnd === -1) {
        this.#buffered = Buffer.from(data);
        return;
      }
      if (!data.subarray(0, SWITCHING_PROTOCOLS.length).equals(SWITCHING_PROTOCOLS)) {
        this.#fail(new RawClientError('RAW_CLIENT_REFUSED', data.toString('latin1', 0, 80)));
        return;
      }
      this.#stage = 'open';
      data = data.subarray(headerEnd + HEADER_END.length);
    }
    let offset = 0;
    for (let frame = readServerFrame(data); frame; frame = readServerFrame(data, offset)) {
      offset = frame.end;
      if (frame.opcode === OPCODE_CLOSE) {
        this.#socket.destroy();
        return;
      }
      this.#onFrame(data, frame.start, frame.end);
      if (this.#stage === 'closed') return;
    }
    // Copied: `data` may be the shared read buffer, which the next read overwrites.
    this.#buffered = offset < data.length ? Buffer.from(data.subarray(offset)) : EMPTY;
  }

  #onFrame(data: Buffer, start: number, end: number): void {
    if (this.#stage === 'ready') {
      if (end - start === 1 && data[start] === CHAR_2) this.#socket.write(PONG_FRAME);
      else this.#options.onFrame?.(this, data, start, end);
    } else if (this.#stage === 'open' && data[start] === CHAR_0) {
      this.#stage = 'connect';
      this.#socket.write(CONNECT_FRAME);
    } else if (this.#stage === 'connect' && data[start] === CHAR_4 && data[start + 1] === CHAR_0) {
      this.#stage = 'ready';
      this.#settle();
      if (!this.#options.onFrame) void this.close();
    } else {
      const text = data.toString('utf8', start, Math.min(end, start + 80));
      this.#fail(new RawClientError('RAW_CLIENT_REFUSED', `unexpected frame: ${text}`));
    }
  }
}
