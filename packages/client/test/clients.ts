/**
 * The client implementations a fidelity test runs side by side: Parley's, and the official
 * socket.io-client, which is the spec. A scenario that passes with both shows that an
 * application sees the same thing whichever client it uses.
 */
import { io as officialIo } from 'socket.io-client';
import { type ManagerOptions, io as parleyIo, type Socket, type SocketOptions } from '../src/index.js';

export type ClientOptions = Partial<ManagerOptions> & SocketOptions;

export interface ClientImplementation {
  readonly name: 'parley' | 'socket.io-client';
  /** Opens a new connection (`forceNew`), with short reconnection delays. */
  connect(url: string, options?: ClientOptions): Socket;
}

const quickReconnect = { forceNew: true, reconnectionDelay: 50, reconnectionDelayMax: 200 };

export const parleyClient: ClientImplementation = {
  name: 'parley',
  connect: (url, options) => parleyIo(url, { ...quickReconnect, ...options }),
};

/** Typed as Parley's Socket: the tests use only the API both share. */
export const officialClient: ClientImplementation = {
  name: 'socket.io-client',
  connect: (url, options) =>
    officialIo(url, { ...quickReconnect, ...(options as Parameters<typeof officialIo>[1]) }) as unknown as Socket,
};

export const clients: ClientImplementation[] = [parleyClient, officialClient];

/** Tracks the sockets a test opens so that teardown closes every connection. */
export class OpenSockets {
  readonly #sockets: Socket[] = [];

  open(client: ClientImplementation, url: string, options?: ClientOptions): Socket {
    const socket = client.connect(url, options);
    this.#sockets.push(socket);
    return socket;
  }

  closeAll(): void {
    for (const socket of this.#sockets.splice(0)) socket.io.disconnect();
  }
}
