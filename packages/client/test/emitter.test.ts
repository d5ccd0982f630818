import { describe, expect, it } from 'vitest';
import { LocalEmitter } from '../src/emitter.js';

type Events = { tick: (n: number) => void; done: () => void };

describe('Emitter', () => {
  it('adds, runs once, removes (also a once listener by its original function) and lists listeners', () => {
    const emitter = new LocalEmitter<Events>();
    const seen: string[] = [];
    const always = (n: number) => seen.push(`always ${n}`);
    const once = (n: number) => seen.push(`once ${n}`);
    const removed = (n: number) => seen.push(`removed ${n}`);
    emitter.on('tick', always).once('tick', once).once('tick', removed);
    expect(emitter.listeners('tick').map((l) => (l as { fn?: unknown }).fn ?? l)).toEqual([always, once, removed]);
    emitter.off('tick', removed);
    emitter.emit('tick', 1);
    emitter.emit('tick', 2);
    expect(seen).toEqual(['always 1', 'once 1', 'always 2']);
    expect(emitter.hasListeners('tick')).toBe(true);
    emitter.removeAllListeners('tick');
    expect(emitter.hasListeners('tick')).toBe(false);
  });

  it('keeps a dispatch stable while listeners change it', () => {
    const emitter = new LocalEmitter<Events>();
    const calls: string[] = [];
    const second = () => calls.push('second');
    emitter.on('done', () => {
      calls.push('first');
      emitter.off('done', second);
      emitter.on('done', () => calls.push('added'));
    });
    emitter.on('done', second);
    emitter.emit('done');
    expect(calls).toEqual(['first', 'second']);
    emitter.off();
    emitter.emit('done');
    expect(calls).toEqual(['first', 'second']);
  });
});
