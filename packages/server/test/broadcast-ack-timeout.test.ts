import { describe, expect, it } from 'vitest';
import type { Socket } from '../src/index.js';
import { client, connected, startServer, TRANSPORT_MODES, waitFor, within } from './support/harness.js';

// @parley-engine either: PARLEY_ENGINE=engine.io runs this suite on the official engine.io (support/engine-choice.ts).

/** Two clients that answer `question` and one that never does. */
async function audience(mode: (typeof TRANSPORT_MODES)[number]) {
  const { io, url } = await startServer();
  const answering = [await connected(url, mode), await connected(url, mode)];
  answering.forEach((c, i) => {
    c.on('question', (ack: (answer: string) => void) => ack(`answer ${i}`));
  });
  const silent = await connected(url, mode);
  const silentGotIt = waitFor(silent, 'question');
  return { io, silentGotIt };
}

describe.each(TRANSPORT_MODES)('io.timeout(ms) broadcast acknowledgements over %s', (mode) => {
  it('on timeout, gives an Error and the responses that did arrive', async () => {
    const { io, silentGotIt } = await audience(mode);
    const result = new Promise<[unknown, unknown]>((resolve) => {
      io.timeout(1000).emit('question', (err: unknown, responses: unknown) => resolve([err, responses]));
    });
    await silentGotIt;
    const [err, responses] = await within(result, 5000, 'the broadcast ack');
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toBe('operation has timed out');
    expect((responses as string[]).slice().sort()).toEqual(['answer 0', 'answer 1']);
  });

  it('emitWithAck rejects with the same error', async () => {
    const { io } = await audience(mode);
    const err = await within(
      io
        .timeout(300)
        .emitWithAck('question')
        .then(
          () => undefined,
          (e: unknown) => e,
        ),
      5000,
      'the rejection',
    );
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toBe('operation has timed out');
  });

  it('times out when emitted from the connection handler of the last client (socket.io suite)', async () => {
    const { io, url } = await startServer();
    const result = new Promise<[unknown, unknown[]]>((resolve) => {
      let count = 0;
      io.on('connection', () => {
        if (++count === 3) io.timeout(1000).emit('question', (err: unknown, r: unknown[]) => resolve([err, r]));
      });
    });
    for (let i = 0; i < 3; i++) {
      const c = client(url, mode);
      if (i < 2) c.on('question', (ack: (n: number) => void) => ack(1));
    }
    const [err, responses] = await within(result, 5000, 'the broadcast ack');
    expect(err).toBeInstanceOf(Error);
    expect(responses).toEqual([1, 1]);
  });

  it('with every answer in time, err is null and responses are all there', async () => {
    const { io, url } = await startServer();
    io.on('connection', (_s: Socket) => {});
    const a = await connected(url, mode);
    const b = await connected(url, mode);
    for (const c of [a, b]) c.on('question', (ack: (answer: string) => void) => ack('yes'));
    const result = await within(io.timeout(5000).emitWithAck('question'), 6000, 'the answers');
    expect(result).toEqual(['yes', 'yes']);
  });
});
