/**
 * The recovery-cost measurement at a tiny scale: the MONITOR line parser on its own, then a
 * real run against Redis (skipped with a warning locally when Redis is absent, a failure under
 * CI) checking the counts the adapter's documentation promises.
 */
import { describe, expect, it } from 'vitest';
import { describeWith } from '../../packages/server/test/support/needs.js';
import { measureRecoveryCost } from '../src/recovery-cost/main.js';
import { parseMonitorLine, respRequestBytes } from '../src/recovery-cost/monitor.js';
import { redisNeed } from './redis-need.js';

const redis = await redisNeed();

describe('MONITOR lines', () => {
  it('reads the client address, the command and each argument’s byte length through the escapes', () => {
    const line = '+1764460000.123456 [0 127.0.0.1:50123] "hset" "k#{/}#x" "ab\\x00\\"c" "\\\\n"';
    const parsed = parseMonitorLine(line);
    expect(parsed.addr).toBe('127.0.0.1:50123');
    expect(parsed.name).toBe('HSET');
    expect(parsed.lengths).toEqual([4, 7, 5, 2]);
    // *4\r\n, then $4\r\nhset\r\n …
    expect(respRequestBytes([4, 7, 5, 2])).toBe(4 + (4 + 4 + 2) + (4 + 7 + 2) + (4 + 5 + 2) + (4 + 2 + 2));
  });
});

describeWith(redis)('recovery cost in Redis commands', () => {
  it('counts an XADD per broadcast with recovery, and crash recovery’s writes per connection and room change only', async () => {
    const run = await measureRecoveryCost(4, 4);
    const [off, state, crash] = ['off', 'state', 'crash'].map((config) => {
      const result = run.results.find((entry) => entry.config === config);
      if (!result) throw new Error(`no ${config} result`);
      return result.phases;
    });
    const perOperation = (phase: (typeof off)['connect'], name: string) =>
      (phase.tally.byName[name] ?? 0) / phase.operations;

    expect(off.connect.tally.commands).toBe(0);
    expect(perOperation(off.broadcast, 'PUBLISH')).toBe(1);
    expect(off.broadcast.tally.byName.XADD).toBeUndefined();

    expect(perOperation(state.broadcast, 'XADD')).toBe(1);
    expect(state.connect.tally.commands).toBe(0);
    expect(state.join.tally.commands).toBe(0);
    expect(perOperation(state.drop, 'SET')).toBe(1);

    expect(perOperation(crash.connect, 'HSET')).toBe(1);
    expect(perOperation(crash.join, 'HSET')).toBe(1);
    expect(perOperation(crash.leave, 'HSET')).toBe(1);
    expect(perOperation(crash.drop, 'HDEL')).toBe(1);
    // Nothing per broadcast beyond what connectionStateRecovery already sends.
    expect(crash.broadcast.tally.commands).toBe(state.broadcast.tally.commands);
    expect(run.results.find((entry) => entry.config === 'crash')?.liveHashBytesPerClient).toBeGreaterThan(0);
  }, 60_000);
});
