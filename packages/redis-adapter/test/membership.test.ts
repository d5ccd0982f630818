import { afterEach, describe, expect, test, vi } from 'vitest';
import { AckTracker } from '../src/ack-tracker.js';
import { NodeRegistry } from '../src/node-registry.js';
import { type RequestOutcome, RequestTracker } from '../src/request-tracker.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('NodeRegistry', () => {
  test('learns nodes from their messages and drops the ones silent for longer than the timeout', () => {
    let now = 1000;
    const nodes = new NodeRegistry(500, () => now);
    expect(nodes.touch('a')).toBe(true);
    expect(nodes.touch('a')).toBe(false);
    now += 300;
    nodes.touch('b');
    now += 300;
    expect(nodes.sweep()).toEqual(['a']);
    expect(nodes.ids()).toEqual(['b']);
    now += 501;
    expect(nodes.sweep()).toEqual(['b']);
    expect(nodes.size).toBe(0);
  });

  test('a goodbye removes a node at once; clear forgets everyone', () => {
    const nodes = new NodeRegistry(500);
    nodes.touch('a');
    nodes.touch('b');
    expect(nodes.remove('a')).toBe(true);
    expect(nodes.remove('a')).toBe(false);
    expect(nodes.clear()).toEqual(['b']);
    expect(nodes.has('b')).toBe(false);
  });
});

describe('RequestTracker', () => {
  test('completes when every node answered, ignoring duplicates and strangers', () => {
    const tracker = new RequestTracker('me');
    const outcomes: RequestOutcome<number>[] = [];
    const id = tracker.open<number>(['a', 'b'], 10_000, (o) => outcomes.push(o))!;
    tracker.answer(id, 'a', 1);
    tracker.answer(id, 'a', 1);
    tracker.answer(id, 'z', 9);
    expect(outcomes).toEqual([]);
    tracker.answer(id, 'b', 2);
    expect(outcomes).toEqual([{ responses: [1, 2], missing: 0, expected: 2 }]);
    expect(tracker.size).toBe(0);
  });

  test('with no node to ask, completes at once and returns no id', () => {
    const tracker = new RequestTracker('me');
    const done = vi.fn();
    expect(tracker.open([], 1000, done)).toBeUndefined();
    expect(done).toHaveBeenCalledWith({ responses: [], missing: 0, expected: 0 });
  });

  test('a node that goes away is no longer waited for', () => {
    const tracker = new RequestTracker('me');
    const done = vi.fn();
    const id = tracker.open(['a', 'b'], 10_000, done)!;
    tracker.answer(id, 'a', 'x');
    tracker.nodeGone('b');
    expect(done).toHaveBeenCalledWith({ responses: ['x'], missing: 0, expected: 2 });
  });

  test('the timeout completes the request with the answers received so far', () => {
    vi.useFakeTimers();
    const tracker = new RequestTracker('me');
    const done = vi.fn();
    const id = tracker.open(['a', 'b', 'c'], 1000, done)!;
    tracker.answer(id, 'c', 3);
    vi.advanceTimersByTime(999);
    expect(done).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(done).toHaveBeenCalledWith({ responses: [3], missing: 2, expected: 3 });
    tracker.answer(id, 'a', 1);
    expect(done).toHaveBeenCalledTimes(1);
  });

  test('request ids are unique and closeAll completes everything', () => {
    const tracker = new RequestTracker('me');
    const done = vi.fn();
    const first = tracker.open(['a'], 10_000, done);
    const second = tracker.open(['a'], 10_000, done);
    expect(first).not.toBe(second);
    tracker.closeAll();
    expect(done).toHaveBeenCalledTimes(2);
  });
});

describe('AckTracker', () => {
  test('forwards counts and answers, then forgets the broadcast once complete', () => {
    const tracker = new AckTracker();
    const counts: number[] = [];
    const answers: unknown[] = [];
    tracker.open(
      'r',
      ['a', 'b'],
      { countDeadlineMs: 1000, retentionMs: 5000 },
      (c) => counts.push(c),
      (r) => answers.push(r),
    );
    tracker.counted('r', 'a', 2);
    tracker.counted('r', 'a', 5); // duplicate ignored
    tracker.answered('r', 'a1');
    tracker.counted('r', 'b', 0);
    tracker.answered('r', 'a2');
    expect(counts).toEqual([2, 0]);
    expect(answers).toEqual(['a1', 'a2']);
    expect(tracker.size).toBe(0);
  });

  test('a node that is gone, or silent past the count deadline, counts as 0 clients', () => {
    vi.useFakeTimers();
    const tracker = new AckTracker();
    const counts: number[] = [];
    tracker.open(
      'r',
      ['a', 'b', 'c'],
      { countDeadlineMs: 1000, retentionMs: 5000 },
      (c) => counts.push(c),
      () => {},
    );
    tracker.counted('r', 'a', 1);
    tracker.nodeGone('b');
    expect(counts).toEqual([1, 0]);
    vi.advanceTimersByTime(1000);
    expect(counts).toEqual([1, 0, 0]);
    // still waiting for a's client's answer until the retention ends
    expect(tracker.size).toBe(1);
    vi.advanceTimersByTime(4000);
    expect(tracker.size).toBe(0);
  });
});
