/**
 * Raw clients for the engine tests, with no Engine.IO client logic: one HTTP request, a WebSocket
 * that collects its messages, and WebSocket handshakes expected to be refused or closed at once.
 * Each is bounded, and closed after the test.
 */
import { request } from 'node:http';
import WebSocket from 'ws';
import { waitFor } from '../support/wait.js';
import { onCleanup } from './cleanup.js';

export interface HttpResult {
  status: number;
  headers: import('node:http').IncomingHttpHeaders;
  body: string;
}

/** One HTTP request with node:http (no connection reuse), bounded. */
export function http(
  url: string,
  options: { method?: string; body?: string | Buffer; headers?: Record<string, string> } = {},
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`request to ${url} timed out`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A raw WebSocket, the messages it got that no one took yet, and the next one (bounded). */
export interface RawWebSocket {
  ws: WebSocket;
  messages: Array<string | Buffer>;
  next(): Promise<string | Buffer>;
}

/** Opens a raw WebSocket and collects its messages. */
export async function rawWebSocket(url: string): Promise<RawWebSocket> {
  const ws = new WebSocket(url.replace(/^http/, 'ws'));
  onCleanup(() => ws.terminate());
  const messages: Array<string | Buffer> = [];
  const waiters: Array<(message: string | Buffer) => void> = [];
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    const message = isBinary ? data : data.toString('utf8');
    const waiter = waiters.shift();
    if (waiter) waiter(message);
    else messages.push(message);
  });
  ws.on('error', () => {});
  await waitFor(ws, 'open');
  return {
    ws,
    messages,
    next: () => {
      const queued = messages.shift();
      if (queued !== undefined) return Promise.resolve(queued);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('timed out waiting for a WebSocket message')), 5000);
        waiters.push((message) => {
          clearTimeout(timer);
          resolve(message);
        });
      });
    },
  };
}

/** Attempts a WebSocket handshake the server is expected to refuse; returns its HTTP answer. */
export function refusedWebSocket(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url.replace(/^http/, 'ws'));
    const timer = setTimeout(() => reject(new Error('no answer to the WebSocket handshake')), 5000);
    ws.on('error', () => {});
    ws.on('open', () => {
      clearTimeout(timer);
      ws.terminate();
      reject(new Error('the WebSocket handshake unexpectedly succeeded'));
    });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, body });
      });
      res.on('error', reject);
    });
  });
}

/**
 * Opens a WebSocket the server is expected to accept and then close at once (engine.io's answer
 * to a redundant upgrade); resolves with the close code.
 */
export function closedAfterHandshake(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url.replace(/^http/, 'ws'));
    onCleanup(() => ws.terminate());
    const timer = setTimeout(() => reject(new Error('the WebSocket was not closed')), 5000);
    let opened = false;
    ws.on('error', () => {});
    ws.on('open', () => {
      opened = true;
    });
    ws.on('unexpected-response', (_req, res) => {
      clearTimeout(timer);
      reject(new Error(`the WebSocket handshake was refused with ${res.statusCode}`));
    });
    ws.on('close', (code: number) => {
      clearTimeout(timer);
      if (opened) resolve(code);
      else reject(new Error('the WebSocket closed before its handshake completed'));
    });
  });
}
