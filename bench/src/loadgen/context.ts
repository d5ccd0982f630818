import type { WebSocket } from 'ws';
import type { LoadOptions, LoadResult, LoadTarget, WorkloadSpec } from '../types.js';
import type { HeldConnections } from './held.js';
import { type FrameHandler, RawSocketIoClient, upgradeRequest } from './raw-client.js';
import { connectMany, connectSocketIo } from './websocket-client.js';
import { webSocketUrl } from './wire.js';

/** Everything one workload run needs. */
export interface RunContext {
  spec: WorkloadSpec;
  target: LoadTarget;
  options: LoadOptions;
  held: HeldConnections;
}

export type WorkloadRunner = (context: RunContext) => Promise<LoadResult>;

/** Per-connection handshake bound; the whole batch has its own (options.connectTimeoutMs). */
export const HANDSHAKE_TIMEOUT_MS = 20_000;

/** The server process connection `index` goes to: clients are spread evenly, round robin. */
export function portOf(target: LoadTarget, index: number): number {
  return target.ports[index % target.ports.length];
}

export function sourceAddress(options: LoadOptions, index: number): string | undefined {
  const addresses = options.sourceAddresses;
  return addresses.length === 0 ? undefined : addresses[index % addresses.length];
}

/** Connects `count` WebSocket clients; `attachFor(index)` installs each one's listeners. */
export function connectClients(
  context: RunContext,
  count: number,
  attachFor: (index: number) => (ws: WebSocket) => void,
  firstIndex = 0,
): Promise<WebSocket[]> {
  const { target, options, held } = context;
  const urls = target.ports.map((port) => webSocketUrl(target.host, port));
  return connectMany(count, options.connectConcurrency, options.connectTimeoutMs, (index) =>
    connectSocketIo({
      url: urls[(firstIndex + index) % urls.length],
      localAddress: sourceAddress(options, firstIndex + index),
      timeoutMs: HANDSHAKE_TIMEOUT_MS,
      held,
      attach: attachFor(firstIndex + index),
    }),
  );
}

/** Connects `count` raw TCP Socket.IO clients; `onFrameFor(index)` handles each one's frames. */
export function connectRawClients(
  context: RunContext,
  count: number,
  onFrameFor: (index: number) => FrameHandler,
  firstIndex = 0,
): Promise<RawSocketIoClient[]> {
  const { target, options, held } = context;
  const requests = target.ports.map((port) => upgradeRequest(target.host, port));
  const onClose = (client: RawSocketIoClient) => held.onUnexpectedClose(client);
  return connectMany(count, options.connectConcurrency, options.connectTimeoutMs, async (index) => {
    const client = await RawSocketIoClient.connect({
      host: target.host,
      port: portOf(target, firstIndex + index),
      localAddress: sourceAddress(options, firstIndex + index),
      timeoutMs: HANDSHAKE_TIMEOUT_MS,
      request: requests[(firstIndex + index) % requests.length],
      onFrame: onFrameFor(firstIndex + index),
      onClose,
    });
    held.add(client);
    return client;
  });
}

/** Resolves when `done()` holds or the bound passes; polls rarely, the condition is cheap. */
export async function waitUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}
