/**
 * The hand-off between a recovered session's replay and live delivery, without sockets: every
 * interleaving of "stream read", "live broadcast arrives" and "socket joins" must give the
 * client each broadcast once.
 */
import type { BroadcastOptions, RestoredSession } from '@parley/server';
import { describe, expect, test } from 'vitest';
import { type LiveEntry, RestoreHandoff } from '../src/restore-handoff.js';

const ALL: BroadcastOptions = { rooms: new Set() };

function entry(offset: string, opts: BroadcastOptions = ALL): LiveEntry {
  return { offset, data: ['n', offset], opts };
}

function session(missed: string[], rooms = ['sid', 'numbers']): RestoredSession {
  return { sid: 'sid', pid: 'pid', rooms, data: {}, missedPackets: missed.map((offset) => ['n', offset]) };
}

const offsetsOf = (s: RestoredSession) => s.missedPackets.map((packet) => packet[packet.length - 1]);

describe('RestoreHandoff', () => {
  test('a broadcast that arrives live while the stream is read is replayed once, then skipped live', () => {
    const handoff = new RestoreHandoff();
    const recording = handoff.begin();
    // 1-5 arrives live while the restore reads the stream; the read saw 1-4 and 1-5.
    expect(handoff.live(entry('1-5'))).toBeUndefined();
    const restored = session(['1-4', '1-5']);
    handoff.restored(recording, restored, '1-3', '1-5');
    handoff.joined('sid');
    expect(offsetsOf(restored)).toEqual(['1-4', '1-5']);
    // A straggler of what was replayed is skipped for this socket only; later ones are not.
    expect(handoff.live(entry('1-4'))).toEqual(new Set(['sid']));
    expect(handoff.live(entry('1-6'))).toBeUndefined();
  });

  test('a broadcast logged after the stream was read but delivered before the join is appended', () => {
    const handoff = new RestoreHandoff();
    const recording = handoff.begin();
    const restored = session(['1-4']);
    handoff.restored(recording, restored, '1-3', '1-4');
    handoff.live(entry('1-5'));
    handoff.live(entry('1-6', { rooms: new Set(['elsewhere']) }));
    handoff.joined('sid');
    expect(offsetsOf(restored)).toEqual(['1-4', '1-5']);
    expect(handoff.live(entry('1-5'))).toEqual(new Set(['sid']));
  });

  test('broadcasts of several nodes arriving out of offset order are each kept once', () => {
    const handoff = new RestoreHandoff();
    const recording = handoff.begin();
    handoff.live(entry('1-12'));
    const restored = session(['1-10']);
    handoff.restored(recording, restored, '1-9', '1-10');
    handoff.live(entry('1-11'));
    handoff.live(entry('1-12'));
    handoff.joined('sid');
    expect(offsetsOf(restored)).toEqual(['1-10', '1-12', '1-11']);
    expect(handoff.live(entry('1-11'))).toEqual(new Set(['sid']));
    expect(handoff.live(entry('1-13'))).toBeUndefined();
  });

  test('nothing is filtered once the socket left, or long after the restore', () => {
    const handoff = new RestoreHandoff();
    let recording = handoff.begin();
    handoff.restored(recording, session([]), '1-3', '1-3');
    handoff.joined('sid');
    handoff.forget('sid');
    expect(handoff.live(entry('1-2'))).toBeUndefined();

    recording = handoff.begin();
    handoff.restored(recording, session([]), '1000-3', '1000-3');
    handoff.joined('sid');
    expect(handoff.live(entry('1000-2'))).toEqual(new Set(['sid']));
    expect(handoff.live(entry('60000-0'))).toBeUndefined();
    expect(handoff.live(entry('1000-2'))).toBeUndefined();
  });

  test('a failed restore records nothing more', () => {
    const handoff = new RestoreHandoff();
    const recording = handoff.begin();
    handoff.abort(recording);
    const next = handoff.begin();
    handoff.live(entry('1-1'));
    const restored = session([]);
    handoff.restored(next, restored, '1-0', '1-0');
    handoff.joined('sid');
    expect(offsetsOf(restored)).toEqual(['1-1']);
  });
});
