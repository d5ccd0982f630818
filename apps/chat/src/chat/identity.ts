/**
 * Who a request counts against. Budgets are per person, not per connection, so a second socket (or
 * a reconnection) brings no fresh budget. Until the chat has accounts, a person is their address.
 */
import { isIPv6 } from 'node:net';
import type { Socket } from '../realtime.js';

/** Maps a connected socket to the key its requests are limited by. */
export type Identify = (socket: Socket) => string;

export interface IdentityOptions {
  /**
   * Reverse proxies in front of the chat whose `X-Forwarded-For` entries are trusted (0: none, the
   * TCP peer is the client). Behind one proxy, every client would otherwise share its address.
   */
  trustProxy?: number;
}

/**
 * The default identity: the authenticated user id (`socket.data.userId`, set by an auth middleware)
 * when there is one, else the client's address. IPv6 clients are keyed by their /64 network, since
 * one host commonly holds a whole /64 and could otherwise take a new budget per address.
 */
export function identityFunction(options: IdentityOptions = {}): Identify {
  const hops = options.trustProxy ?? 0;
  return (socket) => {
    const userId = socket.data.userId;
    if (typeof userId === 'string' && userId !== '') return `user:${userId}`;
    return `ip:${networkOf(clientAddress(socket.handshake.address, socket.handshake.headers['x-forwarded-for'], hops))}`;
  };
}

/** The client's address: the TCP peer, or the entry `hops` proxies back in X-Forwarded-For. */
export function clientAddress(peer: string, forwardedFor: string | string[] | undefined, hops: number): string {
  if (hops <= 0 || forwardedFor === undefined) return peer;
  const chain = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  // Each trusted proxy appended the address it saw; entries further left are the client's claims.
  const index = chain.length - hops;
  return index >= 0 ? chain[index] : (chain[0] ?? peer);
}

/** An IPv4 address as is (IPv4-mapped IPv6 unwrapped); an IPv6 address reduced to its /64. */
export function networkOf(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  if (!isIPv6(address)) return address;
  return `${expandIPv6(address).slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address, without leading zeros. */
function expandIPv6(address: string): string[] {
  const [head, tail] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros = address.includes('::') ? new Array<string>(8 - left.length - right.length).fill('0') : [];
  return [...left, ...zeros, ...right].map((group) => (Number.parseInt(group, 16) || 0).toString(16));
}
