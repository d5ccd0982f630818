/**
 * A Socket.IO client reduced to raw WebSocket frames: open the WebSocket, read `0{…}`, send
 * `40`, read `40{"sid":…}`. After that the workload's own listener handles every frame, so a
 * connection costs one `ws` client and nothing else.
 */
import { WebSocket } from 'ws';
import { BenchError } from '../errors.js';
import type { HeldConnections } from './held.js';
import { CHAR_0, CHAR_4, isPing } from './wire.js';

export class HandshakeError extends BenchError<
  'HANDSHAKE_TIMEOUT' | 'HANDSHAKE_REFUSED' | 'HANDSHAKE_CLOSED' | 'HANDSHAKE_SOCKET_ERROR'
> {}

export interface ConnectOptions {
  url: string;
  localAddress: string | undefined;
  timeoutMs: number;
  /** Registers the connection so a reset closes it, and counts it if the server drops it. */
  held: HeldConnections | undefined;
  /** Installs the workload's listeners; called synchronously on `40{…}`, before any later frame. */
  attach(ws: WebSocket): void;
}

export function connectSocketIo(options: ConnectOptions): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(options.url, {
      perMessageDeflate: false,
      skipUTF8Validation: true,
      localAddress: options.localAddress,
      handshakeTimeout: options.timeoutMs,
    });
    const closable = {
      close: () =>
        new Promise<void>((done) => {
          if (ws.readyState === WebSocket.CLOSED) return done();
          ws.once('close', () => done());
          ws.terminate();
        }),
    };
    options.held?.add(closable);
    let stage: 'open' | 'connect' | 'done' = 'open';
    const fail = (error: HandshakeError) => {
      if (stage === 'done') return;
      stage = 'done';
      clearTimeout(timer);
      ws.terminate();
      reject(error);
    };
    const timer = setTimeout(
      () => fail(new HandshakeError('HANDSHAKE_TIMEOUT', `no Socket.IO handshake within ${options.timeoutMs} ms`)),
      options.timeoutMs,
    );
    const onHandshakeFrame = (data: Buffer) => {
      if (stage === 'open' && data[0] === CHAR_0) {
        stage = 'connect';
        ws.send('40');
      } else if (stage === 'connect' && data[0] === CHAR_4 && data[1] === CHAR_0) {
        stage = 'done';
        clearTimeout(timer);
        ws.off('message', onHandshakeFrame);
        options.attach(ws);
        resolve(ws);
      } else if (isPing(data)) {
        ws.send('3');
      } else {
        fail(
          new HandshakeError('HANDSHAKE_REFUSED', `unexpected frame during handshake: ${data.toString().slice(0, 80)}`),
        );
      }
    };
    ws.on('message', onHandshakeFrame);
    ws.on('error', (error: Error) => fail(new HandshakeError('HANDSHAKE_SOCKET_ERROR', error.message)));
    ws.on('close', () => {
      fail(new HandshakeError('HANDSHAKE_CLOSED', 'closed during the handshake'));
      options.held?.onUnexpectedClose(closable);
    });
  });
}

/** Opens `count` connections with at most `concurrency` handshakes in flight; retries a failed one twice. */
export async function connectMany<Connection>(
  count: number,
  concurrency: number,
  deadlineMs: number,
  connectOne: (index: number) => Promise<Connection>,
): Promise<Connection[]> {
  const sockets: Connection[] = new Array(count);
  const deadline = performance.now() + deadlineMs;
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      for (let attempt = 1; ; attempt++) {
        try {
          if (performance.now() > deadline) {
            throw new HandshakeError(
              'HANDSHAKE_TIMEOUT',
              `connected ${index} of ${count} clients within ${deadlineMs} ms`,
            );
          }
          sockets[index] = await connectOne(index);
          break;
        } catch (error) {
          if (attempt >= 3 || next >= count) {
            next = count; // the batch has failed: the other workers stop opening connections
            throw error;
          }
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return sockets;
}

/** The listener of a connection that only stays alive. */
export function answerPings(this: WebSocket, data: Buffer): void {
  if (isPing(data)) this.send('3');
}
