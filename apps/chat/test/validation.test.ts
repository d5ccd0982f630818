import { describe, expect, it } from 'vitest';
import { ChatError } from '../src/chat/errors.js';
import { RateLimiter } from '../src/chat/rate-limit.js';
import * as validation from '../src/chat/validation.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    return err instanceof ChatError ? err.code : 'NOT_A_CHAT_ERROR';
  }
}

describe('validation', () => {
  it('normalises and checks nicknames', () => {
    expect(validation.validateNickname('  ada   lovelace ')).toBe('ada lovelace');
    expect(validation.validateNickname('Zoë_李-2.0')).toBe('Zoë_李-2.0');
    expect(validation.validateNickname('x'.repeat(24))).toBe('x'.repeat(24));
    for (const bad of ['', ' ', 'x'.repeat(25), '<b>', 'a\u0000b', 'tab\there?', null, 7, {}]) {
      expect(codeOf(() => validation.validateNickname(bad))).toBe('INVALID_NICKNAME');
    }
  });

  it('normalises and checks room names', () => {
    expect(validation.validateRoomName('#General')).toBe('general');
    expect(validation.validateRoomName('team_1-x')).toBe('team_1-x');
    for (const bad of ['', '#', '-lead', 'has space', 'x'.repeat(33), 'ünï', 5]) {
      expect(codeOf(() => validation.validateRoomName(bad))).toBe('INVALID_ROOM_NAME');
    }
  });

  it('keeps message text as typed, minus surrounding blank lines and trailing space', () => {
    expect(validation.validateMessageText('\n\n  indented\n  code  \n\n')).toBe('  indented\n  code');
    expect(validation.validateMessageText('<script>alert(1)</script>')).toBe('<script>alert(1)</script>');
    expect(codeOf(() => validation.validateMessageText(' \n\t '))).toBe('EMPTY_MESSAGE');
    expect(codeOf(() => validation.validateMessageText('a'.repeat(2001)))).toBe('MESSAGE_TOO_LONG');
    expect(codeOf(() => validation.validateMessageText(['a']))).toBe('BAD_REQUEST');
  });

  it('checks ids and request shapes', () => {
    expect(validation.validateClientId(undefined)).toBeNull();
    expect(validation.validateClientId('0b6c-AZ_9')).toBe('0b6c-AZ_9');
    expect(codeOf(() => validation.validateClientId('x'.repeat(65)))).toBe('BAD_REQUEST');
    expect(codeOf(() => validation.validateClientId('no spaces'))).toBe('BAD_REQUEST');
    expect(validation.validateMessageId(0, 'after')).toBe(0);
    for (const bad of [-1, 1.5, '3', Number.NaN, 2 ** 60]) {
      expect(codeOf(() => validation.validateMessageId(bad, 'after'))).toBe('BAD_REQUEST');
    }
    expect(validation.requestObject({ a: 1 })).toEqual({ a: 1 });
    for (const bad of [null, [], 'x', 1]) expect(codeOf(() => validation.requestObject(bad))).toBe('BAD_REQUEST');
  });
});

describe('RateLimiter', () => {
  it('allows `limit` events in any window and says how long to wait', () => {
    const limiter = new RateLimiter(3, 1000);
    expect([limiter.take(0), limiter.take(100), limiter.take(200)]).toEqual([0, 0, 0]);
    expect(limiter.take(300)).toBe(700);
    // The window slides: the first event leaves it at t=1000.
    expect(limiter.take(999)).toBe(1);
    expect(limiter.take(1000)).toBe(0);
    expect(limiter.take(1050)).toBe(50);
    expect(limiter.take(1100)).toBe(0);
  });
});
