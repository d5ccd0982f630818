/**
 * Room subscriptions in flight (dynamic and sharded modes): requests that report room membership
 * wait for them, bounded, and never while Redis is down.
 */
import { describe, expect, test } from 'vitest';
import type { LinkState, RedisLink } from '../src/redis-link.js';
import { RoomChannels } from '../src/room-channels.js';

/** A link whose SUBSCRIBEs are confirmed when the test says so. */
function fakeLink(state: LinkState = 'up') {
  const confirmations: Array<() => void> = [];
  const link = {
    state,
    subscribe: () => new Promise<void>((resolve) => confirmations.push(resolve)),
    unsubscribe: () => Promise.resolve(),
  };
  return { link: link as unknown as RedisLink, confirmations };
}

const channelOf = (room: unknown) => `ch#${String(room)}`;
const listener = () => {};

describe('RoomChannels.settled', () => {
  test('nothing to wait for without subscriptions in flight', () => {
    const { link } = fakeLink();
    expect(new RoomChannels(link, channelOf, listener).settled(5000)).toBeUndefined();
  });

  test('resolves once every subscription in flight is confirmed, and not before', async () => {
    const { link, confirmations } = fakeLink();
    const rooms = new RoomChannels(link, channelOf, listener);
    rooms.add('a');
    rooms.add('b');
    let settled = false;
    const done = rooms.settled(60_000)?.then(() => {
      settled = true;
    });
    expect(done).toBeDefined();
    confirmations[0]();
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    confirmations[1]();
    await done;
    expect(settled).toBe(true);
    // Confirmed subscriptions are no longer waited for.
    await new Promise((resolve) => setImmediate(resolve));
    expect(rooms.settled(5000)).toBeUndefined();
  });

  test('gives up after the timeout', async () => {
    const { link } = fakeLink();
    const rooms = new RoomChannels(link, channelOf, listener);
    rooms.add('a');
    const started = Date.now();
    await rooms.settled(50);
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
  });

  test('never waits while Redis is down (a SUBSCRIBE then waits for the reconnection)', () => {
    const { link } = fakeLink('down');
    const rooms = new RoomChannels(link, channelOf, listener);
    rooms.add('a');
    expect(rooms.settled(5000)).toBeUndefined();
  });
});
