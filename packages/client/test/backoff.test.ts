import { describe, expect, it } from 'vitest';
import { Backoff } from '../src/backoff.js';

describe('Backoff', () => {
  it('doubles from min up to max without jitter', () => {
    const backoff = new Backoff(100, 1000, 0);
    expect([1, 2, 3, 4, 5, 6].map(() => backoff.duration())).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(backoff.attempts).toBe(6);
    backoff.reset();
    expect(backoff.attempts).toBe(0);
    expect(backoff.duration()).toBe(100);
  });

  it('spreads each delay by ±jitter and never exceeds max', () => {
    const low = new Backoff(1000, 5000, 0.5, () => 0);
    const high = new Backoff(1000, 5000, 0.5, () => 1);
    expect([low.duration(), low.duration(), low.duration()]).toEqual([500, 1000, 2000]);
    expect([high.duration(), high.duration(), high.duration(), high.duration()]).toEqual([1500, 3000, 5000, 5000]);
  });

  it('spreads before capping at max, as socket.io-client does', () => {
    const low = new Backoff(1000, 5000, 0.5, () => 0);
    // 1000, 2000, 4000, then 8000 spread to 4000..12000 and capped: never under 4000 from here
    expect([1, 2, 3, 4, 5].map(() => low.duration())).toEqual([500, 1000, 2000, 4000, 5000]);
  });

  it('stays finite after very many attempts', () => {
    const backoff = new Backoff(1000, 5000, 0.5, () => 0.5);
    for (let i = 0; i < 5000; i++) backoff.duration();
    expect(backoff.duration()).toBe(5000);
  });
});
