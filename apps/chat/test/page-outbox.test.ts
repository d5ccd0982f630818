import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Outbox } from '../public/js/outbox.js';
import { type FakeStorage, type FakeWindow, stubBrowser } from './page-fakes.js';

const KEY = 'parley.outbox';

const stored = (storage: FakeStorage): unknown => JSON.parse(storage.getItem(KEY) ?? 'null');

describe('page Outbox', () => {
  let storage: FakeStorage;
  let window: FakeWindow;

  beforeEach(() => {
    ({ storage, window } = stubBrowser());
  });

  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('queues messages in the order written, each with its own clientId, and keeps them in localStorage', () => {
    const outbox = new Outbox();
    const first = outbox.add('general', 'hello');
    const second = outbox.add('random', 'hi', 42);
    expect(first).toMatchObject({ room: 'general', text: 'hello', state: 'queued' });
    expect(second).toMatchObject({ room: 'random', text: 'hi', state: 'queued', replyTo: 42 });
    expect(first.clientId).not.toBe(second.clientId);
    expect(outbox.nextQueued()?.clientId).toBe(first.clientId);
    expect(outbox.forRoom('random').map((item) => item.text)).toEqual(['hi']);
    expect(outbox.queuedCount).toBe(2);
    expect(stored(storage)).toHaveLength(2);
    // A reload reads the same queue.
    expect(new Outbox().forRoom('general').map((item) => item.clientId)).toEqual([first.clientId]);
  });

  it('marks states: sent is skipped by nextQueued, failed keeps its error and leaves the count', () => {
    const outbox = new Outbox();
    const first = outbox.add('general', 'one');
    const second = outbox.add('general', 'two');
    outbox.mark(first, 'sent');
    expect(outbox.nextQueued()?.clientId).toBe(second.clientId);
    outbox.mark(second, 'failed', 'Too long');
    expect(outbox.get(second.clientId)).toMatchObject({ state: 'failed', error: 'Too long' });
    expect(outbox.queuedCount).toBe(1);
    outbox.mark(second, 'queued');
    expect(outbox.get(second.clientId)?.error).toBeUndefined();
    expect(outbox.queuedCount).toBe(2);
  });

  it('sends again, after a reload, what was in flight when the page closed', () => {
    const outbox = new Outbox();
    const item = outbox.add('general', 'hello');
    outbox.mark(item, 'sent');
    expect(new Outbox().get(item.clientId)?.state).toBe('queued');
  });

  it('removes one message, or all of them', () => {
    const outbox = new Outbox();
    const first = outbox.add('general', 'one');
    outbox.add('general', 'two');
    expect(outbox.remove(first.clientId)).toBe(true);
    expect(outbox.remove(first.clientId)).toBe(false);
    expect(outbox.forRoom('general').map((item) => item.text)).toEqual(['two']);
    outbox.clear();
    expect(outbox.nextQueued()).toBeUndefined();
    expect(stored(storage)).toEqual([]);
  });

  it('applies each change to what another tab stored meanwhile, never to a stale copy', () => {
    const mine = new Outbox();
    const theirs = new Outbox();
    mine.add('general', 'from this tab');
    theirs.add('general', 'from the other tab');
    expect((stored(storage) as { text: string }[]).map((item) => item.text)).toEqual([
      'from this tab',
      'from the other tab',
    ]);
  });

  it('reloads the queue when another tab changes it, and says so', () => {
    const outbox = new Outbox();
    let changes = 0;
    outbox.onExternalChange = () => changes++;
    new Outbox().add('general', 'elsewhere');
    window.dispatch('storage', { key: 'some.other.key' });
    expect(changes).toBe(0);
    window.dispatch('storage', { key: KEY });
    expect(changes).toBe(1);
    expect(outbox.forRoom('general').map((item) => item.text)).toEqual(['elsewhere']);
  });

  it('hands back its in-flight messages to the other tabs when the page is hidden for good', () => {
    const outbox = new Outbox();
    const item = outbox.add('general', 'hello');
    outbox.mark(item, 'sent');
    window.dispatch('pagehide');
    expect((stored(storage) as { state: string }[])[0].state).toBe('queued');
  });

  it('ignores a corrupt or foreign entry', () => {
    storage.setItem(KEY, '{not json');
    expect(new Outbox().nextQueued()).toBeUndefined();
    storage.setItem(
      KEY,
      JSON.stringify([{ clientId: 'a', room: 'general', text: 'ok', createdAt: 1 }, { nope: 1 }, 7]),
    );
    expect(new Outbox().forRoom('general').map((item) => item.clientId)).toEqual(['a']);
  });
});
