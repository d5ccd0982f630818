import { EventEmitter } from 'node:events';
import { describe, expect, test } from 'vitest';
import { type FrameListener, type RedisClientLike, RedisLink } from '../src/redis-link.js';

/** A stand-in for a node-redis client: readiness and events driven by the test. */
class FakeClient extends EventEmitter implements RedisClientLike {
  isReady = true;
  readonly published: Array<[string, Buffer, 'publish' | 'sPublish']> = [];
  readonly subscribed: Array<[string, 'subscribe' | 'sSubscribe']> = [];
  failPublish = false;

  publish(channel: string, message: Buffer): Promise<unknown> {
    this.published.push([channel, message, 'publish']);
    return this.failPublish ? Promise.reject(new Error('publish failed')) : Promise.resolve(1);
  }
  sPublish(channel: string, message: Buffer): Promise<unknown> {
    this.published.push([channel, message, 'sPublish']);
    return Promise.resolve(1);
  }
  subscribe(channel: string, _listener: FrameListener): Promise<unknown> {
    this.subscribed.push([channel, 'subscribe']);
    return Promise.resolve();
  }
  unsubscribe(): Promise<unknown> {
    return Promise.resolve();
  }
  sSubscribe(channel: string, _listener: FrameListener): Promise<unknown> {
    this.subscribed.push([channel, 'sSubscribe']);
    return Promise.resolve();
  }
  sUnsubscribe(): Promise<unknown> {
    return Promise.resolve();
  }
  sendCommand(): Promise<unknown> {
    return Promise.resolve(null);
  }
}

function setup(sharded = false) {
  const pub = new FakeClient();
  const sub = new FakeClient();
  const link = new RedisLink(pub, sub, sharded);
  const events: string[] = [];
  link.on('up', () => events.push('up'));
  link.on('down', (error?: Error) => events.push(`down:${error?.message ?? ''}`));
  link.on('client-error', (error: Error, role: string) => events.push(`error:${role}:${error.message}`));
  link.retain();
  return { pub, sub, link, events };
}

describe('RedisLink', () => {
  test('one down event when either connection drops, one up event when both are back', () => {
    const { pub, sub, link, events } = setup();
    expect(link.state).toBe('up');
    pub.isReady = false;
    pub.emit('error', new Error('ECONNRESET'));
    sub.isReady = false;
    sub.emit('reconnecting');
    expect(link.state).toBe('down');
    pub.isReady = true;
    pub.emit('ready');
    expect(link.state).toBe('down');
    sub.isReady = true;
    sub.emit('ready');
    expect(events).toEqual(['error:pub:ECONNRESET', 'down:ECONNRESET', 'up']);
  });

  test('nothing is published (or queued) while down', () => {
    const { pub, link } = setup();
    expect(link.publish('c', Buffer.from('a'))).toBe(true);
    pub.isReady = false;
    pub.emit('end');
    expect(link.publish('c', Buffer.from('b'))).toBe(false);
    expect(pub.published.map(([, message]) => message.toString())).toEqual(['a']);
  });

  test('a failed publish is reported, never thrown', async () => {
    const { pub, link, events } = setup();
    pub.failPublish = true;
    link.publish('c', Buffer.from('a'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual(['error:pub:publish failed']);
  });

  test('sharded mode uses SPUBLISH and SSUBSCRIBE', async () => {
    const { pub, sub, link } = setup(true);
    link.publish('c', Buffer.from('a'));
    await link.subscribe('c', () => {});
    expect(pub.published[0][2]).toBe('sPublish');
    expect(sub.subscribed).toEqual([['c', 'sSubscribe']]);
  });

  test('released by its last user, it stops listening to the clients', () => {
    const { pub, link } = setup();
    link.retain();
    link.release();
    expect(pub.listenerCount('error')).toBe(1);
    link.release();
    expect(pub.listenerCount('error')).toBe(0);
  });
});
