import { describe, expect, test } from 'vitest';
import { hasOwnChannel, namesFor } from '../src/channels.js';
import { BadMessageError, RedisAdapterError } from '../src/errors.js';
import { fromWireOptions, MessageType, toWireOptions, validateMessage } from '../src/messages.js';
import { resolveOptions } from '../src/options.js';
import { reaches } from '../src/session-store.js';

describe('messages', () => {
  test('valid messages pass, malformed ones are refused with BadMessageError', () => {
    const broadcast = { t: MessageType.BROADCAST, n: 'a', data: ['ev', 1], opts: { rooms: ['r'], except: [] } };
    expect(validateMessage(broadcast)).toBe(broadcast);
    const bad: unknown[] = [
      null,
      'text',
      { t: MessageType.HEARTBEAT },
      { t: 99, n: 'a' },
      { ...broadcast, data: [] },
      { ...broadcast, data: [{}] },
      { ...broadcast, opts: { rooms: [{}], except: [] } },
      { t: MessageType.BROADCAST_CLIENT_COUNT, n: 'a', r: 'x', count: -1 },
      { t: MessageType.FETCH_SOCKETS_RESPONSE, n: 'a', r: 'x', sockets: [{ id: 1 }] },
      { t: MessageType.SOCKETS_JOIN, n: 'a', opts: { rooms: [], except: [] }, rooms: 'r' },
    ];
    for (const message of bad) expect(() => validateMessage(message)).toThrow(BadMessageError);
  });

  test('broadcast options survive the trip as arrays', () => {
    const opts = { rooms: new Set(['a', 1]), except: new Set(['b']), flags: { volatile: true } };
    const wire = JSON.parse(JSON.stringify(toWireOptions(opts)));
    expect(fromWireOptions(wire)).toEqual(opts);
  });

  test('which broadcasts reach a session', () => {
    const rooms = new Set(['sid', 'room1']);
    expect(reaches(rooms, { rooms: new Set() })).toBe(true);
    expect(reaches(rooms, { rooms: new Set(['room1', 'room2']) })).toBe(true);
    expect(reaches(rooms, { rooms: new Set(['room2']) })).toBe(false);
    expect(reaches(rooms, { rooms: new Set(), except: new Set(['sid']) })).toBe(false);
  });
});

describe('channels and options', () => {
  test('socket ids never get a room channel; other rooms do', () => {
    expect(hasOwnChannel('abcdefghij0123456789')).toBe(false);
    expect(hasOwnChannel('lobby')).toBe(true);
    expect(hasOwnChannel(42)).toBe(true);
    const names = namesFor('app', '/chat', 'node1');
    expect(names.room('lobby')).toBe('app#/chat#lobby#');
    expect(names.responsesOf('node2')).toBe('app-response#/chat#node2#');
    expect(names.responses).toBe('app-response#/chat#node1#');
  });

  test('options get defaults and bad values are refused with a coded error', () => {
    expect(resolveOptions()).toMatchObject({ key: 'parley', subscriptionMode: 'static', requestsTimeout: 5000 });
    const bad = [
      { key: '' },
      { subscriptionMode: 'everything' as never },
      { requestsTimeout: 0 },
      { heartbeatInterval: Number.NaN },
      { heartbeatInterval: 1000, heartbeatTimeout: 500 },
    ];
    for (const opts of bad) {
      expect(() => resolveOptions(opts)).toThrow(RedisAdapterError);
      try {
        resolveOptions(opts);
      } catch (error) {
        expect((error as RedisAdapterError).code).toBe('INVALID_OPTION');
      }
    }
  });
});
