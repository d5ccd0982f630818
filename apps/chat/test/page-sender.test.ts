import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { OutboxItem, OutboxState } from '../public/js/outbox.js';
import { RequestError } from '../public/js/request.js';
import { Sender } from '../public/js/sender.js';
import type { ChatMessage } from '../src/store/index.js';

/** The three outbox methods the sender uses, over a plain array. */
class FakeOutbox {
  items: OutboxItem[] = [];

  add(text: string): OutboxItem {
    const item: OutboxItem = {
      clientId: `c${this.items.length}`,
      room: 'general',
      text,
      createdAt: 0,
      state: 'queued',
    };
    this.items.push(item);
    return item;
  }

  nextQueued(): OutboxItem | undefined {
    return this.items.find((item) => item.state === 'queued');
  }

  mark(item: OutboxItem, state: OutboxState, error?: string): void {
    item.state = state;
    if (error) item.error = error;
    else delete item.error;
  }

  remove(clientId: string): boolean {
    const before = this.items.length;
    this.items = this.items.filter((item) => item.clientId !== clientId);
    return this.items.length < before;
  }
}

const storedAs = (item: OutboxItem, id: number): ChatMessage => ({
  id,
  room: item.room,
  nick: 'ada',
  username: 'ada',
  userId: '1',
  text: item.text,
  ts: 0,
  clientId: item.clientId,
});

function setup(send: (item: OutboxItem) => Promise<{ message: ChatMessage }>, connected = () => true) {
  const outbox = new FakeOutbox();
  const stored: ChatMessage[] = [];
  const errors: string[] = [];
  const changes: string[] = [];
  const sender = new Sender({
    outbox,
    send: vi.fn(send),
    connected,
    onStored: (message) => stored.push(message),
    onChange: (room) => changes.push(room),
    onError: (message) => errors.push(message),
  });
  return { outbox, sender, stored, errors, changes };
}

describe('page Sender', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends queued messages one at a time, in order, and drops each once stored', async () => {
    let nextId = 1;
    const order: string[] = [];
    const { outbox, sender, stored, changes } = setup(async (item) => {
      order.push(item.text);
      // One at a time: nothing else is on the wire while this one is.
      expect(outbox.items.filter((queued) => queued.state === 'sent')).toEqual([item]);
      return { message: storedAs(item, nextId++) };
    });
    outbox.add('one');
    outbox.add('two');
    await sender.flush();
    expect(order).toEqual(['one', 'two']);
    expect(stored.map((message) => message.id)).toEqual([1, 2]);
    expect(outbox.items).toEqual([]);
    // Each item changes twice: on the wire, then stored.
    expect(changes).toEqual(['general', 'general', 'general', 'general']);
  });

  it('runs one loop at a time', async () => {
    const { outbox, sender } = setup(async (item) => ({ message: storedAs(item, 1) }));
    outbox.add('one');
    const reads = vi.spyOn(outbox, 'nextQueued');
    await Promise.all([sender.flush(), sender.flush()]);
    // The first flush reads the queue twice (the item, then nothing); the second returns at once.
    expect(reads).toHaveBeenCalledTimes(2);
  });

  it('sends nothing while disconnected', async () => {
    const send = vi.fn();
    const { outbox, sender } = setup(send, () => false);
    outbox.add('one');
    await sender.flush();
    expect(send).not.toHaveBeenCalled();
    expect(outbox.items[0].state).toBe('queued');
  });

  it('on a timeout, queues the message again, pauses, and retries two seconds later', async () => {
    let attempts = 0;
    const { outbox, sender, stored } = setup(async (item) => {
      attempts++;
      if (attempts === 1) throw new RequestError('TIMEOUT', 'The server did not answer in time.');
      return { message: storedAs(item, 1) };
    });
    outbox.add('one');
    outbox.add('two');
    await sender.flush();
    expect(attempts).toBe(1);
    expect(outbox.items.map((item) => item.state)).toEqual(['queued', 'queued']);
    await vi.advanceTimersByTimeAsync(1999);
    expect(attempts).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(attempts).toBe(3);
    expect(stored).toHaveLength(2);
  });

  it('treats any error that is not the server refusing as a timeout', async () => {
    const { outbox, sender } = setup(async () => {
      throw new Error('socket closed');
    });
    outbox.add('one');
    await sender.flush();
    expect(outbox.items[0].state).toBe('queued');
  });

  it('waits out a rate limit for as long as the server says, then goes on', async () => {
    let attempts = 0;
    const { outbox, sender, stored, errors } = setup(async (item) => {
      attempts++;
      if (attempts === 1) throw new RequestError('RATE_LIMITED', 'Slow down', 500);
      return { message: storedAs(item, attempts) };
    });
    outbox.add('one');
    const flushed = sender.flush();
    await vi.advanceTimersByTimeAsync(0);
    expect(errors).toEqual(['Slow down']);
    expect(outbox.items[0].state).toBe('queued');
    await vi.advanceTimersByTimeAsync(499);
    expect(attempts).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    await flushed;
    expect(attempts).toBe(2);
    expect(stored).toHaveLength(1);
  });

  it('marks a refused message failed with the reason, tells the user, and sends the next one', async () => {
    const { outbox, sender, stored, errors } = setup(async (item) => {
      if (item.text === 'too long') throw new RequestError('MESSAGE_TOO_LONG', 'Messages are limited');
      return { message: storedAs(item, 2) };
    });
    outbox.add('too long');
    outbox.add('fine');
    await sender.flush();
    expect(outbox.items).toEqual([
      expect.objectContaining({ text: 'too long', state: 'failed', error: 'Messages are limited' }),
    ]);
    expect(errors).toEqual(['Messages are limited']);
    expect(stored.map((message) => message.text)).toEqual(['fine']);
  });
});
