import { describe, expect, it } from 'vitest';
import { RoomState } from '../public/js/state.js';

const message = (id: number, text = `message ${id}`) => ({ id, room: 'general', nick: 'ada', text, ts: 1000 + id });

describe('page RoomState', () => {
  it('keeps messages once each, in id order, whatever order they arrive in', () => {
    const room = new RoomState('general');
    expect(room.add([message(5), message(7)]).map((m) => m.id)).toEqual([5, 7]);
    // A catch-up page overlapping a live broadcast, and an older history page.
    expect(room.add([message(7), message(8)]).map((m) => m.id)).toEqual([8]);
    expect(room.add([message(2), message(6)]).map((m) => m.id)).toEqual([2, 6]);
    expect(room.ids).toEqual([2, 5, 6, 7, 8]);
    expect(room.ordered().map((m) => m?.id)).toEqual([2, 5, 6, 7, 8]);
    expect(room.firstId).toBe(2);
    expect(room.lastId).toBe(8);
  });

  it('keeps the first copy of a message it already has', () => {
    const room = new RoomState('general');
    room.add([message(1, 'first')]);
    room.add([message(1, 'second')]);
    expect(room.messages.get(1)?.text).toBe('first');
  });

  it('skips anything that is not a message', () => {
    const room = new RoomState('general');
    const added = room.add([
      null,
      'text',
      { ...message(1), id: 1.5 },
      { ...message(2), id: Number.MAX_SAFE_INTEGER + 2 },
      { ...message(3), room: 3 },
      { ...message(4), nick: undefined },
      { ...message(5), text: null },
      { ...message(6), ts: '6' },
      message(7),
    ]);
    expect(added.map((m) => m.id)).toEqual([7]);
    expect(room.ids).toEqual([7]);
  });

  it('has no first or last id while empty', () => {
    const room = new RoomState('general');
    expect(room.firstId).toBeUndefined();
    expect(room.lastId).toBeUndefined();
    expect(room.loaded).toBe(false);
    expect(room.rev).toBe(0);
  });
});
