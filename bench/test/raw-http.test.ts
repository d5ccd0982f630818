import { describe, expect, it } from 'vitest';
import { parseResponse, RawHttpError } from '../src/loadgen/raw-http.js';

describe('raw HTTP response parsing', () => {
  it('frames a body by Content-Length and reports the bytes taken', () => {
    const text = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nokHTTP/1.1';
    const response = parseResponse(Buffer.from(text));
    expect(response).toEqual({ status: 200, body: 'ok', size: text.length - 'HTTP/1.1'.length, keepAlive: true });
  });

  it('waits for missing bytes', () => {
    expect(parseResponse(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab'))).toBeUndefined();
    expect(parseResponse(Buffer.from('HTTP/1.1 200 OK\r\nContent-Len'))).toBeUndefined();
  });

  it('decodes chunked bodies and notices Connection: close', () => {
    const text =
      'HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\n43[\r\n5\r\n"é"]\r\n0\r\n\r\n';
    const response = parseResponse(Buffer.from(text));
    expect(response?.status).toBe(400);
    expect(response?.body).toBe('43["é"]');
    expect(response?.keepAlive).toBe(false);
    expect(response?.size).toBe(Buffer.byteLength(text));
    expect(parseResponse(Buffer.from(text.slice(0, -2)))).toBeUndefined();
  });

  it('refuses what is not an HTTP response', () => {
    expect(() => parseResponse(Buffer.from('SSH-2.0-OpenSSH\r\n\r\n'))).toThrow(RawHttpError);
  });
});
