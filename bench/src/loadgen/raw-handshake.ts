/**
 * One Socket.IO connection handshake straight over TCP: HTTP upgrade request, `101`, the
 * open packet `0{…}`, a masked `40` frame, `40{sid}`. The `ws` client spends most of its
 * time per connection in the HTTP client and key checks; for the handshake workload, where
 * that is all a connection does, this keeps the load generator from becoming the bottleneck.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { CHAR_0, CHAR_4 } from './wire.js';

export class RawHandshakeError extends Error {
  readonly code: 'RAW_HANDSHAKE_REFUSED' | 'RAW_HANDSHAKE_TIMEOUT' | 'RAW_HANDSHAKE_SOCKET';
  constructor(code: RawHandshakeError['code'], message: string) {
    super(message);
    this.name = 'RawHandshakeError';
    this.code = code;
  }
}

/** `40` in a client frame: FIN + text, masked, length 2, an all-zero mask key (so the payload reads as is). */
const CONNECT_FRAME = Buffer.from([0x81, 0x82, 0, 0, 0, 0, CHAR_4, CHAR_0]);
const HEADER_END = Buffer.from('\r\n\r\n');
const SWITCHING_PROTOCOLS = Buffer.from('HTTP/1.1 101');

export function upgradeRequest(host: string, port: number): Buffer {
  return Buffer.from(
    'GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n' +
      `Host: ${host}:${port}\r\n` +
      'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n' +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n\r\n`,
  );
}

/** Payload of the first complete server frame in `buffer` and the bytes it took, or undefined. */
export function readServerFrame(buffer: Buffer): { payload: Buffer; size: number } | undefined {
  if (buffer.length < 2) return undefined;
  let length = buffer[1] & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buffer.length < 4) return undefined;
    length = buffer.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buffer.length < 10) return undefined;
    length = Number(buffer.readBigUInt64BE(2));
    offset = 10;
  }
  if (buffer.length < offset + length) return undefined;
  return { payload: buffer.subarray(offset, offset + length), size: offset + length };
}

export interface RawHandshakeOptions {
  host: string;
  port: number;
  localAddress: string | undefined;
  timeoutMs: number;
  /** The same request bytes serve every connection of a run (servers accept any valid key). */
  request: Buffer;
}

/** Resolves once `40{…}` arrived; the TCP connection is then dropped at once. */
export function rawHandshake(options: RawHandshakeOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({
      host: options.host,
      port: options.port,
      localAddress: options.localAddress,
      noDelay: true,
    });
    let stage: 'upgrade' | 'open' | 'connect' | 'done' = 'upgrade';
    let buffered: Buffer = Buffer.alloc(0);
    const finish = (error?: RawHandshakeError) => {
      if (stage === 'done') return;
      stage = 'done';
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve();
    };
    const timer = setTimeout(
      () => finish(new RawHandshakeError('RAW_HANDSHAKE_TIMEOUT', `no handshake within ${options.timeoutMs} ms`)),
      options.timeoutMs,
    );
    const onFrame = (payload: Buffer) => {
      if (stage === 'open' && payload[0] === CHAR_0) {
        stage = 'connect';
        socket.write(CONNECT_FRAME);
      } else if (stage === 'connect' && payload[0] === CHAR_4 && payload[1] === CHAR_0) {
        finish();
      } else {
        finish(new RawHandshakeError('RAW_HANDSHAKE_REFUSED', `unexpected frame: ${payload.toString().slice(0, 80)}`));
      }
    };
    socket.on('connect', () => socket.write(options.request));
    socket.on('data', (chunk: Buffer) => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      if (stage === 'upgrade') {
        const headerEnd = buffered.indexOf(HEADER_END);
        if (headerEnd === -1) return;
        if (!buffered.subarray(0, SWITCHING_PROTOCOLS.length).equals(SWITCHING_PROTOCOLS)) {
          finish(new RawHandshakeError('RAW_HANDSHAKE_REFUSED', buffered.toString('latin1', 0, 80)));
          return;
        }
        stage = 'open';
        buffered = buffered.subarray(headerEnd + HEADER_END.length);
      }
      for (let frame = readServerFrame(buffered); frame && stage !== 'done'; frame = readServerFrame(buffered)) {
        buffered = buffered.subarray(frame.size);
        onFrame(frame.payload);
      }
    });
    socket.on('error', (error: Error) => finish(new RawHandshakeError('RAW_HANDSHAKE_SOCKET', error.message)));
    socket.on('close', () => finish(new RawHandshakeError('RAW_HANDSHAKE_SOCKET', 'closed during the handshake')));
  });
}
