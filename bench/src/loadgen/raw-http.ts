/**
 * A minimal HTTP/1.1 keep-alive client for the polling workload: one TCP connection per
 * request lane, one request at a time on it, responses framed by Content-Length or chunked
 * encoding. `node:http`'s client costs more per request than a lean server spends answering
 * it, which would make the load generator the bottleneck of the polling figure.
 */
import { connect, type Socket } from 'node:net';
import { BenchError } from '../errors.js';

export class RawHttpError extends BenchError<
  'RAW_HTTP_STATUS' | 'RAW_HTTP_CLOSED' | 'RAW_HTTP_SOCKET' | 'RAW_HTTP_MALFORMED'
> {
  readonly status: number | undefined;
  constructor(code: RawHttpError['code'], message: string, status?: number) {
    super(code, message);
    this.status = status;
  }
}

const HEADER_END = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');

interface ParsedResponse {
  status: number;
  body: string;
  /** Bytes of the buffer the response took. */
  size: number;
  keepAlive: boolean;
}

/** Reads one complete response from the start of `buffer`, or undefined while bytes are missing. */
export function parseResponse(buffer: Buffer): ParsedResponse | undefined {
  const headerEnd = buffer.indexOf(HEADER_END);
  if (headerEnd === -1) return undefined;
  const head = buffer.toString('latin1', 0, headerEnd);
  const status = Number(head.slice(9, 12));
  if (!head.startsWith('HTTP/1.') || !Number.isInteger(status)) {
    throw new RawHttpError('RAW_HTTP_MALFORMED', `not an HTTP response: ${head.slice(0, 40)}`);
  }
  const headers = head.toLowerCase();
  const keepAlive = !/\r\nconnection:\s*close/.test(headers);
  const bodyStart = headerEnd + HEADER_END.length;
  const lengthMatch = /\r\ncontent-length:\s*(\d+)/.exec(headers);
  if (lengthMatch) {
    const end = bodyStart + Number(lengthMatch[1]);
    if (buffer.length < end) return undefined;
    return { status, body: buffer.toString('utf8', bodyStart, end), size: end, keepAlive };
  }
  if (/\r\ntransfer-encoding:\s*chunked/.test(headers)) return parseChunked(buffer, bodyStart, status, keepAlive);
  // Neither: the body runs until the server closes, which a polling server never relies on.
  throw new RawHttpError('RAW_HTTP_MALFORMED', 'response without Content-Length or chunked encoding');
}

function parseChunked(buffer: Buffer, start: number, status: number, keepAlive: boolean): ParsedResponse | undefined {
  const parts: Buffer[] = [];
  let offset = start;
  for (;;) {
    const lineEnd = buffer.indexOf(CRLF, offset);
    if (lineEnd === -1) return undefined;
    const size = Number.parseInt(buffer.toString('latin1', offset, lineEnd), 16);
    if (!Number.isFinite(size)) throw new RawHttpError('RAW_HTTP_MALFORMED', 'bad chunk size');
    const dataStart = lineEnd + CRLF.length;
    if (size === 0) {
      // No trailers expected: the last chunk is followed by an empty line.
      if (buffer.length < dataStart + CRLF.length) return undefined;
      const body = Buffer.concat(parts).toString('utf8');
      return { status, body, size: dataStart + CRLF.length, keepAlive };
    }
    if (buffer.length < dataStart + size + CRLF.length) return undefined;
    parts.push(buffer.subarray(dataStart, dataStart + size));
    offset = dataStart + size + CRLF.length;
  }
}

interface Waiting {
  resolve(body: string): void;
  reject(error: Error): void;
}

/** One keep-alive TCP connection carrying one request at a time; reconnects when the server closes it. */
export class RawHttpConnection {
  readonly #host: string;
  readonly #port: number;
  readonly #localAddress: string | undefined;
  #socket: Socket | undefined;
  #buffered: Buffer = Buffer.alloc(0);
  #waiting: Waiting | undefined;
  #destroyed = false;

  constructor(host: string, port: number, localAddress: string | undefined) {
    this.#host = host;
    this.#port = port;
    this.#localAddress = localAddress;
  }

  request(method: 'GET' | 'POST', path: string, body?: string): Promise<string> {
    if (this.#destroyed) return Promise.reject(new RawHttpError('RAW_HTTP_CLOSED', 'connection destroyed'));
    if (this.#waiting) throw new Error('one request at a time per RawHttpConnection');
    const payload = body === undefined ? undefined : Buffer.from(body);
    const head =
      `${method} ${path} HTTP/1.1\r\nHost: ${this.#host}:${this.#port}\r\n` +
      (payload ? `Content-Type: text/plain;charset=UTF-8\r\nContent-Length: ${payload.length}\r\n` : '') +
      '\r\n';
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject };
      const socket = this.#connection();
      socket.cork();
      socket.write(head, 'latin1');
      if (payload) socket.write(payload);
      socket.uncork();
    });
  }

  destroy(): void {
    this.#destroyed = true;
    this.#socket?.destroy();
    this.#fail(new RawHttpError('RAW_HTTP_CLOSED', 'connection destroyed'));
  }

  #connection(): Socket {
    if (this.#socket && !this.#socket.destroyed) return this.#socket;
    const socket = connect({ host: this.#host, port: this.#port, localAddress: this.#localAddress, noDelay: true });
    this.#socket = socket;
    this.#buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (error: Error) => this.#fail(new RawHttpError('RAW_HTTP_SOCKET', error.message)));
    socket.on('close', () => {
      if (this.#socket === socket) this.#socket = undefined;
      this.#fail(new RawHttpError('RAW_HTTP_CLOSED', 'server closed the connection'));
    });
    return socket;
  }

  #onData(chunk: Buffer): void {
    this.#buffered = this.#buffered.length === 0 ? chunk : Buffer.concat([this.#buffered, chunk]);
    let response: ParsedResponse | undefined;
    try {
      response = parseResponse(this.#buffered);
    } catch (error) {
      this.#socket?.destroy();
      this.#fail(error as Error);
      return;
    }
    if (!response) return;
    this.#buffered = this.#buffered.subarray(response.size);
    if (!response.keepAlive) this.#socket?.end();
    const waiting = this.#waiting;
    this.#waiting = undefined;
    if (response.status === 200) waiting?.resolve(response.body);
    else
      waiting?.reject(
        new RawHttpError('RAW_HTTP_STATUS', `HTTP ${response.status}: ${response.body.slice(0, 200)}`, response.status),
      );
  }

  #fail(error: Error): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.reject(error);
  }
}
