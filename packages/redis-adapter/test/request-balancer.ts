/**
 * A plain round-robin HTTP balancer with no affinity at all: every HTTP request and every
 * upgrade goes to the next backend in turn (a backend that refuses the connection is skipped),
 * over a fresh connection, so two requests of one session almost never reach the same node.
 */
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { listenOnLoopback, OpenSockets } from './open-sockets.js';

export class RequestBalancer {
  readonly backends: number[];
  /** Backend index of every request and upgrade routed, in order. */
  readonly routed: number[] = [];
  #next = 0;
  readonly #server: Server;
  readonly #sockets = new OpenSockets();

  constructor(backends: number[]) {
    this.backends = backends;
    this.#server = createServer(async (req, res) => {
      // The body is read first (small in these tests), so a refused backend can be retried.
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      this.#forward(req, res, Buffer.concat(chunks), this.backends.length);
    });
    this.#server.on('upgrade', (req: IncomingMessage, client: Duplex, head: Buffer) => {
      this.#sockets.track(client);
      client.on('error', () => {});
      this.#upgrade(req, client, head, this.backends.length);
    });
    this.#server.on('connection', (socket) => this.#sockets.track(socket));
  }

  listen(): Promise<number> {
    return listenOnLoopback(this.#server);
  }

  close(): Promise<void> {
    return this.#sockets.closeServer(this.#server);
  }

  #pick(): number {
    return this.#next++ % this.backends.length;
  }

  #forward(req: IncomingMessage, res: ServerResponse, body: Buffer, tries: number): void {
    const index = this.#pick();
    const upstream = request({
      host: '127.0.0.1',
      port: this.backends[index],
      method: req.method,
      path: req.url,
      headers: req.headers,
      agent: false,
    });
    upstream.on('socket', (socket) => this.#sockets.track(socket));
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED' && tries > 1) this.#forward(req, res, body, tries - 1);
      else res.destroy();
    });
    upstream.on('response', (answer) => {
      this.routed.push(index);
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      res.flushHeaders();
      answer.pipe(res);
    });
    res.on('close', () => upstream.destroy());
    upstream.end(body);
  }

  #upgrade(req: IncomingMessage, client: Duplex, head: Buffer, tries: number): void {
    if (tries === 0) {
      client.destroy();
      return;
    }
    const index = this.#pick();
    const upstream: Socket = connect(this.backends[index], '127.0.0.1');
    const refused = () => this.#upgrade(req, client, head, tries - 1);
    upstream.once('error', refused);
    upstream.once('connect', () => {
      upstream.off('error', refused);
      this.routed.push(index);
      this.#sockets.track(upstream);
      upstream.on('error', () => client.destroy());
      upstream.on('close', () => client.destroy());
      client.on('close', () => upstream.destroy());
      let head_ = `${req.method} ${req.url} HTTP/1.1\r\n`;
      for (let i = 0; i < req.rawHeaders.length; i += 2) head_ += `${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}\r\n`;
      upstream.write(`${head_}\r\n`);
      if (head.length > 0) upstream.write(head);
      client.pipe(upstream);
      upstream.pipe(client);
    });
  }
}
